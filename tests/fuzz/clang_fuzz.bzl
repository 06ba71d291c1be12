"""clang_fuzz_binary: a libFuzzer binary built with clang inside the normal g++ build.

Bazel's C++ toolchain here is g++ (auto-configured), and libFuzzer needs clang's coverage
instrumentation. Switching the toolchain (CC=clang) would re-configure it and invalidate every
cached object of the normal build, so this rule leaves the toolchain alone: an aspect walks the
`deps` of the fuzz target and, for every cc_library it reaches, compiles its sources with
Debian's clang++-14 (-fsanitize=fuzzer-no-link,address) using the include paths, defines and
headers (generated .pb.h included) that Bazel already computed for the g++ build; the rule links
those objects with -fsanitize=fuzzer,address and the libraries' link flags (system abseil and
protobuf). Every compile is its own cached action in the normal output base, so nothing of the
g++ build is rebuilt and a source change recompiles one file.

Project warning flags are not applied (they are held under g++; the clang objects are a test
artifact), and copts of individual rules are ignored.
"""

_CLANG = "clang++-14"

_SANITIZE_COMPILE = ["-fsanitize=fuzzer-no-link,address", "-fno-omit-frame-pointer"]
_SANITIZE_LINK = ["-fsanitize=fuzzer,address"]
_COMMON = ["-std=c++17", "-O1", "-g", "-ffp-contract=off", "-w"]

_SOURCE_EXTENSIONS = ["cc", "cpp", "cxx", "c"]

ClangFuzzObjects = provider(
    doc = "Objects compiled by clang with libFuzzer instrumentation.",
    fields = {"objects": "depset of .o Files"},
)

def _compile(actions, label_name, src, compilation_context, extra_copts):
    obj = actions.declare_file("_clang_fuzz/%s/%s.o" % (label_name, src.short_path))
    args = actions.args()
    args.add_all(_COMMON + _SANITIZE_COMPILE + extra_copts)
    args.add_all(compilation_context.defines, format_each = "-D%s")
    args.add_all(compilation_context.local_defines, format_each = "-D%s")
    args.add_all(compilation_context.quote_includes, before_each = "-iquote")
    args.add_all(compilation_context.includes, before_each = "-I")
    args.add_all(compilation_context.system_includes, before_each = "-isystem")
    args.add_all(["-c", src.path, "-o", obj.path])
    actions.run(
        executable = _CLANG,
        arguments = [args],
        inputs = depset([src], transitive = [compilation_context.headers]),
        outputs = [obj],
        mnemonic = "ClangFuzzCompile",
        progress_message = "Compiling %s with clang for libFuzzer" % src.short_path,
        use_default_shell_env = True,  # PATH, to find Debian's clang++-14
    )
    return obj

def _sources(files):
    return [f for f in files if f.extension in _SOURCE_EXTENSIONS]

def _clang_fuzz_objects_impl(target, ctx):
    objects = []
    if CcInfo in target and hasattr(ctx.rule.files, "srcs"):
        context = target[CcInfo].compilation_context
        for src in _sources(ctx.rule.files.srcs):
            objects.append(_compile(ctx.actions, ctx.label.name, src, context, []))
    transitive = [
        dep[ClangFuzzObjects].objects
        for dep in getattr(ctx.rule.attr, "deps", [])
        if ClangFuzzObjects in dep
    ]
    return [ClangFuzzObjects(objects = depset(objects, transitive = transitive))]

clang_fuzz_objects = aspect(
    implementation = _clang_fuzz_objects_impl,
    attr_aspects = ["deps"],
)

def _clang_fuzz_binary_impl(ctx):
    objects = depset(transitive = [dep[ClangFuzzObjects].objects for dep in ctx.attr.deps])
    link_flags = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for flag in linker_input.user_link_flags:
                if flag not in link_flags:
                    link_flags.append(flag)
    out = ctx.actions.declare_file(ctx.label.name)
    args = ctx.actions.args()
    args.add_all(_SANITIZE_LINK + ["-o", out.path])
    args.add_all(objects)
    args.add_all(link_flags)
    ctx.actions.run(
        executable = _CLANG,
        arguments = [args],
        inputs = objects,
        outputs = [out],
        mnemonic = "ClangFuzzLink",
        progress_message = "Linking %s with libFuzzer" % out.short_path,
        use_default_shell_env = True,
    )
    return [DefaultInfo(executable = out, files = depset([out]))]

clang_fuzz_binary = rule(
    implementation = _clang_fuzz_binary_impl,
    doc = "A libFuzzer binary: `deps` (cc_library targets, one defining LLVMFuzzerTestOneInput) " +
          "and everything they depend on, compiled with clang++-14 and linked with libFuzzer " +
          "and AddressSanitizer.",
    attrs = {
        "deps": attr.label_list(
            providers = [CcInfo],
            aspects = [clang_fuzz_objects],
        ),
    },
    executable = True,
)

def fuzz_suite(name, corpus, dict, max_len, smoke_runs):
    """The three targets every fuzz target gets (see BUILD.bazel's header): <name>_corpus_test,
    <name>_fuzzer and <name>_fuzz_smoke_test, over the cc_library <name>_fuzz_target."""
    target = ":%s_fuzz_target" % name
    fuzzer = "%s_fuzzer" % name
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        args = ["$(rootpaths %s)" % corpus],
        data = [corpus],
        deps = [":corpus_main", target],
    )
    clang_fuzz_binary(name = fuzzer, testonly = True, deps = [target])
    native.sh_test(
        name = name + "_fuzz_smoke_test",
        size = "medium",
        srcs = ["fuzz_smoke_test.sh"],
        args = [
            "$(rootpath :%s)" % fuzzer,
            str(smoke_runs),
            "$(rootpath %s)" % dict,
            str(max_len),
            "$(rootpaths %s)" % corpus,
        ],
        data = [dict, corpus, ":" + fuzzer],
    )
