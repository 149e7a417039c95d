package dev.concierge.client;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}}, {@code ${VAR:-default}} and VS Code's {@code ${env:VAR}} in configuration values, the way MCP client configuration files
 * (Claude Desktop, Claude Code, VS Code) let a server's command, arguments and environment refer to the user's
 * environment instead of holding secrets in the file.
 *
 * <p>As in a POSIX shell, the default applies when the variable is unset <em>or empty</em>. A reference to an unset
 * variable without a default is a configuration error rather than an empty string, because silently starting a server
 * with an empty token fails later and far less clearly. Text that is not a well-formed reference (a lone {@code $},
 * {@code ${} without a closing brace) is kept as it is. Defaults are taken literally; they are not expanded again.
 */
public final class EnvExpander {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private EnvExpander() {}

  /**
   * {@code value} with every reference replaced from {@code environment}.
   *
   * @throws IllegalArgumentException naming the variable (never a value) when one without a default is unset
   */
  public static String expand(String value, Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    if (value == null || value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder(value.length());
    while (m.find()) {
      String name = m.group(1);
      String fallback = m.group(2);
      String replacement = environment.get(name);
      if (fallback != null && (replacement == null || replacement.isEmpty())) {
        replacement = fallback;
      } else if (replacement == null) {
        throw new IllegalArgumentException(
            "environment variable '" + name + "' is not set; use ${" + name + ":-default} to give a default");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
