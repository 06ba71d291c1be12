"""swarmsim_built_as: the CLI built with other flags inside a plain `bazel test //...`.

A Starlark configuration transition on the `binary` attribute rebuilds it (and everything it
links) in its own configuration, as if the command line had said `-c opt`, `-c dbg`,
`--config=asan` or `--config=ubsan` (.bazelrc). The flags are added to the command line's own
(.bazelrc's base flags included): in CI the command line adds none, so each build is exactly
the named one. Each build has its own output directory; the command line's build is untouched.
"""

_OPTION = "//command_line_option:"

# What each build changes; the sanitizer flags are .bazelrc's asan and ubsan configs. GCC 12's
# false maybe-uninitialized warnings at -O1 (.bazelrc) are silenced through copt: a transition
# cannot append to per_file_copt, and GCC lets an explicit -Wno-... win over a later -Wall.
# The configs' --strip=never is left out (Bazel 4.2 cannot pass it through a transition): it
# only keeps symbols for readable sanitizer reports, and changes no instruction.
BUILDS = {
    "opt": struct(mode = "opt", copt = [], linkopt = []),
    "dbg": struct(mode = "dbg", copt = [], linkopt = []),
    "asan": struct(
        mode = None,
        copt = [
            "-fsanitize=address",
            "-fno-omit-frame-pointer",
            "-O1",
            "-Wno-maybe-uninitialized",
        ],
        linkopt = ["-fsanitize=address"],
    ),
    "ubsan": struct(
        mode = None,
        copt = [
            "-fsanitize=undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
            "-Wno-maybe-uninitialized",
        ],
        linkopt = ["-fsanitize=undefined"],
    ),
}

_SETTINGS = [_OPTION + s for s in ["compilation_mode", "copt", "linkopt"]]

def _build_transition_impl(settings, attr):
    build = BUILDS[attr.build]
    return {
        _OPTION + "compilation_mode": build.mode or settings[_OPTION + "compilation_mode"],
        _OPTION + "copt": settings[_OPTION + "copt"] + build.copt,
        _OPTION + "linkopt": settings[_OPTION + "linkopt"] + build.linkopt,
    }

_build_transition = transition(
    implementation = _build_transition_impl,
    inputs = _SETTINGS,
    outputs = _SETTINGS,
)

def _swarmsim_built_as_impl(ctx):
    binary = ctx.attr.binary
    if type(binary) == "list":
        binary = binary[0]
    info = binary[DefaultInfo]
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = info.files_to_run.executable, is_executable = True)
    runfiles = ctx.runfiles(files = [out]).merge(info.default_runfiles)
    return [DefaultInfo(executable = out, files = depset([out]), runfiles = runfiles)]

swarmsim_built_as = rule(
    implementation = _swarmsim_built_as_impl,
    doc = "`binary` built as `build` (one of BUILDS), as an executable named after the target.",
    attrs = {
        "binary": attr.label(cfg = _build_transition, executable = True, mandatory = True),
        "build": attr.string(mandatory = True, values = BUILDS.keys()),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    executable = True,
)
