package dev.concierge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Placeholder replaced below. */
@Command(name = "conformance-client", hidden = true)
final class ConformanceClientCommand implements Callable<Integer> {
  @Parameters(index = "0")
  String url;

  @Override
  public Integer call() {
    return 0;
  }
}
