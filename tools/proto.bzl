"""cc_proto: C++ from .proto files with Debian's system protoc (no download of protobuf rules)."""

def cc_proto(name, srcs, deps = [], visibility = None):
    """Generates <name> as a cc_library over the .pb.cc/.pb.h of `srcs`.

    Imports are workspace-relative ("model/proto/raft.proto"); `deps` are other cc_proto targets
    whose .proto files are imported.
    """
    pkg = native.package_name()
    outs = []
    for src in srcs:
        base = src[:-len(".proto")]
        outs += [base + ".pb.h", base + ".pb.cc"]
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [d + "_srcs" for d in deps],
        outs = outs,
        cmd = "protoc --proto_path=. --cpp_out=$(GENDIR) " +
              " ".join(["%s/%s" % (pkg, s) if pkg else s for s in srcs]),
        visibility = ["//visibility:private"],
    )
    native.filegroup(
        name = name + "_srcs",
        srcs = srcs + [d + "_srcs" for d in deps],
        visibility = visibility,
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        # Generated code is not held to the project's warning flags.
        copts = ["-Wno-unused-parameter", "-Wno-error"],
        deps = deps + ["//third_party:protobuf"],
        visibility = visibility,
    )
