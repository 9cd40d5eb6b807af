/// The tools of the toolkit: each `territory` command minus its parsing.
///
/// A tool is one function that takes a value describing the job and returns a
/// value describing what it did (the outputs, counts, mass balances, warnings);
/// it prints nothing. The command line parses its options into that value,
/// calls the tool and prints the result; notebooks, the DocC article and other
/// Swift programs call the same functions.
public enum Tools {}
