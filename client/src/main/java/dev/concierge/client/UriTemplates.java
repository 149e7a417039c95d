package dev.concierge.client;

import java.util.regex.Pattern;

/** Just enough of RFC 6570 to route a URI to the template that produced it. */
final class UriTemplates {
  private UriTemplates() {}

  /** Whether {@code uri} could be an expansion of {@code template} (each {@code {var}} matches one or more chars). */
  static boolean matches(String template, String uri) {
    if (template == null || uri == null) {
      return false;
    }
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        regex.append(Pattern.quote(template.substring(i)));
        break;
      }
      regex.append(Pattern.quote(template.substring(i, open)));
      int close = template.indexOf('}', open);
      if (close < 0) {
        return false;
      }
      char operator = close > open + 1 ? template.charAt(open + 1) : ' ';
      // Reserved ({+var}) and path-style expansions may contain '/', simple ones may not.
      regex.append(operator == '+' || operator == '#' || operator == '/' ? ".+" : "[^/?#]+");
      i = close + 1;
    }
    return uri.matches(regex.toString());
  }
}
