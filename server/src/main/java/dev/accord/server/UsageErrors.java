package dev.accord.server;

import java.io.PrintWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Prints a usage error as one line naming what to fix, then where to read more, instead of
 * picocli's whole usage text. An option whose default is an environment variable ({@code
 * ${env:NAME...}}) is named by its variable too, since that is where most values come from.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  private static final Pattern ENV_DEFAULT = Pattern.compile("^\\$\\{env:([A-Za-z0-9_]+)");

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(command.getColorScheme().errorText(message(e, args)));
    err.println("Run " + command.getCommandSpec().qualifiedName() + " --help for every option.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * picocli's message, with {@code option '--flag'} written as {@code VARIABLE (--flag)} when the
   * value came from the variable (the flag is not among {@code args}).
   */
  static String message(ParameterException e, String[] args) {
    String message = e.getMessage();
    ArgSpec arg = e.getArgSpec();
    if (!(arg instanceof OptionSpec option) || givenAsFlag(option, args)) {
      return message;
    }
    String variable = variableOf(option);
    if (variable == null) {
      return message;
    }
    String flag = option.longestName();
    String named = variable + " (" + flag + ")";
    String quoted = "option '" + flag + "'";
    if (message.contains(quoted)) {
      return message.replace(quoted, named);
    }
    return message.contains(variable) ? message : named + ": " + message;
  }

  private static boolean givenAsFlag(OptionSpec option, String[] args) {
    for (String arg : args) {
      for (String name : option.names()) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The environment variable an option's default reads, or null. */
  static String variableOf(OptionSpec option) {
    // Uninterpolated: the ${env:...} expression as written, not its value.
    String defaultValue = option.defaultValueString(false);
    if (defaultValue == null) {
      return null;
    }
    Matcher matcher = ENV_DEFAULT.matcher(defaultValue);
    return matcher.find() ? matcher.group(1) : null;
  }
}
