package dev.accord.bench.load;

import java.util.Locale;
import picocli.CommandLine;

/**
 * A fleet of workload d: {@code processes} worker processes × {@code threads} work-loop threads ×
 * {@code workMillis} ms of simulated work; written {@code KxTxW}, as {@code 8x8x2}.
 */
record LoopShape(int processes, int threads, int workMillis) {
  /** Resources per second if claims and dones cost nothing: K·T ÷ W. */
  double idealPerSecond() {
    return workMillis == 0 ? Double.POSITIVE_INFINITY : processes * threads * 1000.0 / workMillis;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%dx%dx%d", processes, threads, workMillis);
  }

  /** Parses {@code KxTxW} for picocli. */
  static final class Converter implements CommandLine.ITypeConverter<LoopShape> {
    @Override
    public LoopShape convert(String value) {
      String[] parts = value.toLowerCase(Locale.ROOT).split("x");
      if (parts.length != 3) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not PROCESSESxTHREADSxWORK_MS, as 8x8x2");
      }
      try {
        LoopShape shape =
            new LoopShape(
                Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        if (shape.processes < 1
            || shape.processes > 64
            || shape.threads < 1
            || shape.threads > 256
            || shape.workMillis < 0
            || shape.workMillis > 60_000) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "': processes 1 to 64, threads 1 to 256, work 0 to 60000 ms");
        }
        return shape;
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not PROCESSESxTHREADSxWORK_MS, as 8x8x2");
      }
    }
  }
}
