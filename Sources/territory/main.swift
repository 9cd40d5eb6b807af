// The `territory` command: everything happens in TerritoryCLI; this file only
// hands over the arguments and returns the exit code.
import TerritoryCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

exit(TerritoryCommandLine.run(Array(CommandLine.arguments.dropFirst())))
