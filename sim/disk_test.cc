#include "sim/disk.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(DiskTest, ReadsSeeUnsyncedWrites) {
  Disk disk;
  disk.Write("a", "1");
  ASSERT_NE(disk.Read("a"), nullptr);
  EXPECT_EQ(*disk.Read("a"), "1");
  EXPECT_TRUE(disk.HasUnsynced());
}

TEST(DiskTest, CrashLosesUnsyncedWrites) {
  Disk disk;
  disk.Write("state", "term=1");
  disk.Sync();
  disk.Write("state", "term=2");
  disk.Write("new", "x");
  disk.LoseUnsynced();
  EXPECT_EQ(*disk.Read("state"), "term=1");
  EXPECT_FALSE(disk.Exists("new"));
  EXPECT_EQ(disk.stats().bytes_lost, 7u);
}

TEST(DiskTest, SyncedDataSurvivesPowerLoss) {
  Disk disk;
  disk.Append("wal", "e1;");
  disk.Append("wal", "e2;");
  disk.Sync();
  disk.LoseUnsynced();
  EXPECT_EQ(*disk.Read("wal"), "e1;e2;");
}

TEST(DiskTest, UnsyncedAppendTailIsLost) {
  Disk disk;
  disk.Append("wal", "e1;");
  disk.Sync();
  disk.Append("wal", "e2;");
  disk.Append("wal", "e3;");
  disk.LoseUnsynced();
  EXPECT_EQ(*disk.Read("wal"), "e1;");
  disk.Append("wal", "e4;");
  disk.Sync();
  EXPECT_EQ(*disk.Read("wal"), "e1;e4;");
}

TEST(DiskTest, UnsyncedRemoveIsUndoneByPowerLoss) {
  Disk disk;
  disk.Write("snap", "s");
  disk.Sync();
  disk.Remove("snap");
  EXPECT_FALSE(disk.Exists("snap"));
  disk.LoseUnsynced();
  EXPECT_EQ(*disk.Read("snap"), "s");
}

TEST(DiskTest, RewriteAfterAppendSyncsWholeFile) {
  Disk disk;
  disk.Append("f", "abc");
  disk.Sync();
  disk.Write("f", "z");
  disk.Append("f", "y");
  disk.Sync();
  disk.LoseUnsynced();
  EXPECT_EQ(*disk.Read("f"), "zy");
}

TEST(DiskTest, ListIsSortedAndFilteredByPrefix) {
  Disk disk;
  disk.Write("wal/2", "");
  disk.Write("snap/1", "");
  disk.Write("wal/1", "");
  EXPECT_EQ(disk.List("wal/"), (std::vector<std::string>{"wal/1", "wal/2"}));
  EXPECT_EQ(disk.List().size(), 3u);
}

}  // namespace
}  // namespace sim
