package dev.endpointsguard.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The artifact's entry point: {@code check ...} runs the offline check in plain Java and exits;
 * anything else starts the server.
 */
@QuarkusMain
public final class Main {

  static final String CHECK = "check";

  private Main() {}

  public static void main(String... args) {
    if (args.length > 0 && CHECK.equals(args[0])) {
      // Standard output carries only the report: anything else printing to System.out (a logging
      // handler, a library) ends up on standard error.
      PrintStream report = System.out;
      System.setOut(System.err);
      int status =
          CheckCommand.run(
              Arrays.asList(args).subList(1, args.length),
              System.in,
              report,
              System.err,
              System.getenv(),
              System.getProperties());
      report.flush();
      System.exit(status);
    }
    Quarkus.run(args);
  }
}
