#include "util/regular_file.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace swarmsim {
namespace {

constexpr FileKind kTrace{"a trace file", "traces", 10};

std::string TempPath(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

TEST(RegularFileTest, ReadsARegularFileUpToTheLimit) {
  const std::string path = TempPath("ten");
  Write(path, "0123456789");
  const absl::StatusOr<std::string> text = ReadRegularFile(path, kTrace);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "0123456789");
}

TEST(RegularFileTest, FileOverTheLimitIsRefusedNamingTheLimit) {
  const std::string path = TempPath("eleven");
  Write(path, "0123456789A");
  EXPECT_EQ(ReadRegularFile(path, kTrace).status().message(),
            absl::StrCat(path, ": is larger than the 10 bytes a trace file may be"));
  const FileKind mib{"a scenario file", "scenarios", 1024 * 1024};
  Write(path, std::string(1024 * 1024 + 1, 'x'));
  EXPECT_EQ(ReadRegularFile(path, mib).status().message(),
            absl::StrCat(path, ": is larger than the 1 MiB (1048576 bytes) a scenario file may be"));
}

// A FIFO used to block the reader forever; it is refused from its stat, never opened.
TEST(RegularFileTest, FifoIsRefusedWithoutOpening) {
  const std::string path = TempPath("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const absl::StatusOr<std::string> text = ReadRegularFile(path, kTrace);
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(),
            absl::StrCat(path, ": is not a regular file (a FIFO, a device or a socket); traces "
                               "are read from regular files only"));
}

// /dev/zero used to be read forever, memory growing without bound.
TEST(RegularFileTest, DeviceIsRefusedWithoutReading) {
  EXPECT_TRUE(absl::StartsWith(ReadRegularFile("/dev/zero", kTrace).status().message(),
                               "/dev/zero: is not a regular file"));
}

TEST(RegularFileTest, DirectoryAndMissingFileAreToldApart) {
  EXPECT_EQ(ReadRegularFile(std::getenv("TEST_TMPDIR"), kTrace).status().message(),
            absl::StrCat(std::getenv("TEST_TMPDIR"), ": is a directory, not a trace file"));
  const absl::StatusOr<std::string> missing = ReadRegularFile(TempPath("absent"), kTrace);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), TempPath("absent") + ": no such file");
}

}  // namespace
}  // namespace swarmsim
