#!/usr/bin/env perl
# The scanner behind forbidden_apis.sh (see there for usage). Three rules, each reported as
# "FILE:LINE: RULE: text":
#   clock-entropy-thread   wall clocks, entropy, threads, std::hash: a run would depend on
#                          something other than its seed. Comments are not exempt on purpose: a
#                          mention is cheap to reword, a miss is expensive.
#   hash-iteration         a range-for or a begin() over an absl::flat/node_hash_{map,set} or
#                          std::unordered_* (their order is unspecified and changes with the
#                          hash seed/library). Names are those declared with such a type (or a
#                          `using` alias of one) in the file itself or in a header of the same
#                          directory that it includes; a container reached through another
#                          directory's header is not seen (a known limit of a textual scan).
#   pointer-key            std::map/set/multimap/multiset keyed by a pointer: ordered by address,
#                          i.e. by the allocator.
# A justified use carries `// forbidden-apis: allow(REASON)` on the reported line (for a statement
# spanning lines, on any of its lines) or alone on the line just above; REASON must not be empty.
use strict;
use warnings;
use File::Basename qw(dirname basename);
use File::Find;

my $simple = qr{std::random_device|absl::BitGen|absl::InsecureBitGen|(?:^|[^_a-zA-Z0-9.>:])s?rand\(|system_clock|steady_clock|high_resolution_clock|absl::Now\(|absl::GetCurrentTimeNanos|gettimeofday|clock_gettime|std::thread|std::jthread|std::async|pthread_create|time\(nullptr\)|time\(NULL\)|time\(0\)|getpid\(|std::unordered_map<[^>]*\*|std::hash<};
my $hash_type = qr{(?:absl::(?:flat|node)_hash_(?:map|set)|std::unordered_(?:multi)?(?:map|set))\b};
my $angle = qr{(?<angle><(?:[^<>]++|(?&angle))*>)};
my $pointer_key = qr{\bstd::(?:multi)?(?:map|set)\s*<\s*(?:const\s+)?[A-Za-z_][\w:]*(?:\s*<[^<>]*>)?\s*(?:const\s*)?\*};
my $allow = qr{//\s*forbidden-apis:\s*allow\(\s*[^)\s][^)]*\)};

my @files;
for my $arg (@ARGV) {
  if (-d $arg) {
    find({ no_chdir => 1, wanted => sub { push @files, $_ if -f $_ && /\.(?:h|cc)$/ } }, $arg);
  } elsif (-f $arg) {
    push @files, $arg;
  }
}
@files = sort @files;

sub slurp {
  my ($path) = @_;
  open(my $fh, '<', $path) or return '';
  local $/;
  my $text = <$fh>;
  close($fh);
  return $text;
}

# Names declared with a hash container type (variables, members, accessors) in `text`.
sub hash_names {
  my ($text) = @_;
  my %names;
  my @aliases;
  while ($text =~ /\busing\s+(\w+)\s*=\s*$hash_type\s*$angle/g) {
    push @aliases, $1;
  }
  my $type = qr{$hash_type\s*$angle};
  if (@aliases) {
    my $alias = join('|', map { quotemeta } @aliases);
    $type = qr{(?:$hash_type\s*$angle|\b(?:$alias)\b)};
  }
  while ($text =~ /$type\s*(?:const\s*)?[&*]?\s*(?<name>\w+)\s*(?=[;={(\[,)]|$)/mg) {
    $names{$+{name}} = 1;
  }
  return %names;
}

sub line_of {
  my ($text, $offset) = @_;
  return 1 + (substr($text, 0, $offset) =~ tr/\n//);
}

my @hits;
sub report {
  my ($file, $lines, $first, $last, $rule) = @_;
  for my $n ($first .. $last) {
    return if $lines->[$n - 1] =~ $allow;
  }
  return if $first > 1 && $lines->[$first - 2] =~ /^\s*$allow/;
  my $text = $lines->[$first - 1];
  $text =~ s/^\s+//;
  push @hits, "$file:$first: $rule: $text";
}

for my $file (@files) {
  my $text = slurp($file);
  my @lines = split /\n/, $text, -1;

  for my $i (0 .. $#lines) {
    report($file, \@lines, $i + 1, $i + 1, 'clock-entropy-thread') if $lines[$i] =~ $simple;
    report($file, \@lines, $i + 1, $i + 1, 'pointer-key') if $lines[$i] =~ $pointer_key;
  }

  # Hash containers declared here or in an included header of the same directory.
  my $dir = dirname($file);
  my $context = $text;
  my $stem = basename($file);
  $stem =~ s/\.(?:h|cc)$//;
  my %headers = ("$stem.h" => 1);
  for my $inc ($text =~ /^\s*#\s*include\s+"([^"]+\.h)"/mg) {
    $headers{basename($inc)} = 1;
  }
  for my $h (sort keys %headers) {
    my $path = "$dir/$h";
    $context .= "\n" . slurp($path) if -f $path && $path ne $file;
  }
  my %names = hash_names($context);

  my $is_hash = sub {
    my ($expr) = @_;
    return 1 if $expr =~ $hash_type;
    $expr =~ s/\s+//g;
    $expr =~ s/\(\)$//;          # an accessor: nodes()
    $expr =~ s/^[*&(]+|\)+$//g;  # *ptr, (x)
    my ($last) = $expr =~ /(\w+)$/;
    return defined $last && $names{$last};
  };
  # Range-for: `for (DECL : RANGE)`, possibly over several lines.
  while ($text =~ /\bfor\s*\(((?:[^;{}()]|\((?:[^()]|\([^()]*\))*\))*?)(?<!:):(?!:)((?:[^;{}()]|\((?:[^()]|\([^()]*\))*\)|\{[^{}]*\})*)\)/g) {
    my ($start, $end) = ($-[0], $+[0]);
    next unless $is_hash->($2);
    report($file, \@lines, line_of($text, $start), line_of($text, $end), 'hash-iteration');
  }
  # Explicit iterators: x.begin(), x->cbegin(), std::begin(x).
  while ($text =~ /(?:\b(\w+)\s*(?:\(\s*\))?\s*(?:\.|->)\s*c?begin\s*\(|\bstd::c?begin\s*\(\s*(\w+)\s*\))/g) {
    my $name = defined $1 ? $1 : $2;
    next unless $names{$name};
    my $n = line_of($text, $-[0]);
    report($file, \@lines, $n, $n, 'hash-iteration');
  }
}

if (@hits) {
  print "forbidden API in deterministic code:\n";
  my %seen;
  print "$_\n" for grep { !$seen{$_}++ } @hits;
  exit 1;
}
exit 0;
