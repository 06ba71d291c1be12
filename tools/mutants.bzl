"""Model sources as data for //tests/mutants, whose patches must still apply to them."""

def mutant_sources():
    """Exports the calling package's *.cc and *.h to //tests/mutants only."""
    native.exports_files(
        native.glob([
            "*.cc",
            "*.h",
        ]),
        visibility = ["//tests/mutants:__pkg__"],
    )
