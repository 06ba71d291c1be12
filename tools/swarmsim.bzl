"""Bazel macros that turn scenario files into tests.

Both macros produce ordinary `sh_test` targets, so everything Bazel does with tests applies:
results are cached per target (a suite reruns only the scenarios whose file or binary changed),
`--jobs` runs them in parallel, `--runs_per_test` repeats them, and `--config=remote` (see
.bazelrc) farms them out to a remote-execution cluster. No scheduler of our own.

swarmsim_scenario_suite(name, srcs)
    One test per scenario file, `<name>/<file path without .textproto>` (e.g.
    //scenarios:library/failover/leader_power_off), running `swarmsim check --check-determinism`
    on that one file: every expectation, every invariant and the pinned golden digest, with the
    run done twice and the traces compared. Plus a `test_suite` `name` over all of them.
    A failure's log (`--test_output=errors`) names the scenario and says why; its JUnit XML is
    the test's own test.xml.

swarmsim_explore_test(name, base, runs, shard_count, faults)
    A sharded test running `swarmsim explore BASE --runs=RUNS [--faults=FAULTS]`. explore reads
    TEST_TOTAL_SHARDS / TEST_SHARD_INDEX itself (shard i explores the runs r with
    r % shard_count == i) and touches TEST_SHARD_STATUS_FILE; a counterexample is written to
    TEST_UNDECLARED_OUTPUTS_DIR, i.e. bazel-testlogs/<package>/<name>/shard_K_of_N/test.outputs/
    outputs.zip. The test fails (exit 1) when any shard finds a counterexample. Under
    `--runs_per_test=N` run k explores with seed + k - 1: N times the runs, all different.
"""

_SWARMSIM = "//scenarios:swarmsim"
_CHECK_SCRIPT = "//tools:scenario_check_test.sh"
_EXPLORE_SCRIPT = "//tools:explore_test.sh"

def _as_label(src):
    """A file name relative to the calling package, or a label, as a label."""
    if src.startswith("//") or src.startswith(":") or src.startswith("@"):
        return src
    return ":" + src

def _stem(src):
    """The file's path inside its package without the .textproto suffix."""
    path = src.split(":")[-1] if ":" in src else src
    if path.endswith(".textproto"):
        path = path[:-len(".textproto")]
    return path

def swarmsim_scenario_suite(name, srcs, size = "medium", tags = [], **kwargs):
    """One cached test per scenario file plus a test_suite `name` over them.

    Args:
      name: the test_suite's name; each test is named `<name>/<file stem>`.
      srcs: scenario files (.textproto), usually a glob.
      size: the size of each per-file test.
      tags: tags for every test and the suite.
      **kwargs: passed to every sh_test (e.g. timeout, flaky).
    """
    tests = []
    for src in srcs:
        label = _as_label(src)
        test_name = "%s/%s" % (name, _stem(src))
        native.sh_test(
            name = test_name,
            srcs = [_CHECK_SCRIPT],
            args = [
                "$(rootpath %s)" % _SWARMSIM,
                "$(rootpath %s)" % label,
            ],
            data = [_SWARMSIM, label],
            size = size,
            tags = tags,
            **kwargs
        )
        tests.append(":" + test_name)
    native.test_suite(
        name = name,
        tests = tests,
        tags = tags,
    )

def swarmsim_explore_test(
        name,
        base,
        runs,
        shard_count,
        faults = None,
        seed = 1,
        size = "large",
        tags = [],
        **kwargs):
    """A sharded `swarmsim explore` over `runs` runs of the base scenario.

    Args:
      name: the test's name.
      base: the base scenario file (a label or a file in the calling package).
      runs: the number of runs over all shards.
      shard_count: how many shards (Bazel's test sharding; each shard is its own process,
        locally or on a remote executor).
      faults: optional list of fault kinds (explore's --faults), joined with commas.
      seed: explore's --seed (default 1). Under --runs_per_test=N, run k uses seed + k - 1
        (tools/explore_test.sh), so the N runs explore different plans.
      size: the test size (its timeout), per shard.
      tags: tags for the test.
      **kwargs: passed to the sh_test.
    """
    label = _as_label(base)
    args = [
        "$(rootpath %s)" % _SWARMSIM,
        "$(rootpath %s)" % label,
        "%d" % seed,
        "--runs=%d" % runs,
    ]
    if faults:
        args.append("--faults=%s" % ",".join(faults))
    native.sh_test(
        name = name,
        srcs = [_EXPLORE_SCRIPT],
        args = args,
        data = [_SWARMSIM, label],
        shard_count = shard_count,
        size = size,
        tags = tags,
        **kwargs
    )
