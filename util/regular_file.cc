#include "util/regular_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace swarmsim {
namespace {

constexpr size_t kMiB = size_t{1024} * 1024;

// What is wrong with `path`, from a stat() or open() errno.
absl::Status FileError(const std::string& path, int error) {
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    case ENOTDIR:
      return absl::NotFoundError(
          absl::StrCat(path, ": no such file (a parent is not a directory)"));
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(absl::StrCat(path, ": permission denied"));
    default:
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": cannot read file (", std::strerror(error), ")"));
  }
}

absl::Status TooLarge(const std::string& path, const FileKind& kind) {
  const std::string limit =
      kind.max_bytes % kMiB == 0
          ? absl::StrCat(kind.max_bytes / kMiB, " MiB (", kind.max_bytes, " bytes)")
          : absl::StrCat(kind.max_bytes, " bytes");
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": is larger than the ", limit, " ", kind.noun, " may be"));
}

// Refuses anything but a regular file of at most kind.max_bytes, from its stat.
absl::Status CheckFileKind(const std::string& path, const struct stat& st, const FileKind& kind) {
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, not ", kind.noun));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is not a regular file (a FIFO, a device or a socket); ", kind.plural,
                     " are read from regular files only"));
  }
  if (static_cast<unsigned long long>(st.st_size) > kind.max_bytes) return TooLarge(path, kind);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadRegularFile(const std::string& path, const FileKind& kind) {
  // stat() first: opening a FIFO blocks until a writer comes and opening a device can have
  // effects, so neither is opened at all.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileError(path, errno);
  if (absl::Status status = CheckFileKind(path, st, kind); !status.ok()) return status;
  // O_NONBLOCK and a second look at the opened file: the path may have been replaced by a FIFO
  // since the stat().
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return FileError(path, errno);
  std::string text;
  absl::Status status;
  if (::fstat(fd, &st) != 0) {
    status = FileError(path, errno);
  } else {
    status = CheckFileKind(path, st, kind);
  }
  if (status.ok()) text.reserve(static_cast<size_t>(st.st_size));
  // Read at most one buffer past the limit whatever the size said: a file may grow, and some
  // (under /proc) report size 0.
  char buffer[64 * 1024];
  while (status.ok()) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = FileError(path, errno);
    } else if (n == 0) {
      break;
    } else if (text.size() + static_cast<size_t>(n) > kind.max_bytes) {
      status = TooLarge(path, kind);
    } else {
      text.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (!status.ok()) return status;
  return text;
}

}  // namespace swarmsim
