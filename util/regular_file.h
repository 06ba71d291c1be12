// Reading a file named on the command line without letting the path hurt the program: only a
// regular file of bounded size is read. A FIFO would block forever, /dev/zero never ends and a
// mistaken multi-gigabyte path would cost seconds and gigabytes before being refused, so all three
// are refused from their stat, without being read. Shared by the scenario loader (scenario files)
// and viz (trace files), which may not depend on each other.
#ifndef SWARMSIM_UTIL_REGULAR_FILE_H_
#define SWARMSIM_UTIL_REGULAR_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace swarmsim {

// What the file is to the caller, for the messages.
struct FileKind {
  const char* noun;    // "a scenario file": "FILE: is a directory, not a scenario file"
  const char* plural;  // "scenarios": "...; scenarios are read from regular files only"
  size_t max_bytes;    // larger files are refused
};

// The bytes of the file at `path` if it is a regular file of at most kind.max_bytes. Each error
// is one line starting with `path` and saying what is wrong:
//   `FILE: no such file` (NotFound), `FILE: permission denied` (PermissionDenied),
//   `FILE: is a directory, not <noun>`, `FILE: is not a regular file (a FIFO, a device or a
//   socket); <plural> are read from regular files only`, `FILE: is larger than the 4 MiB
//   (4194304 bytes) <noun> may be` (InvalidArgument), or `FILE: cannot read file (REASON)`.
absl::StatusOr<std::string> ReadRegularFile(const std::string& path, const FileKind& kind);

}  // namespace swarmsim

#endif  // SWARMSIM_UTIL_REGULAR_FILE_H_
