package dev.concierge.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.internal.NameAssigner;
import dev.concierge.client.internal.NameAssigner.Candidate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolNamingTest {
  @Test
  void defaultNamingPrefixesWithTheServerAndHonoursAnEmptyPrefix() {
    assertThat(ToolNaming.DEFAULT.name("everything", "everything", "echo")).isEqualTo("everything__echo");
    assertThat(ToolNaming.DEFAULT.name("everything", "", "echo")).isEqualTo("echo");
  }

  @Test
  void sanitizedNamesAreValidForProvidersAndStable() {
    String weird = ToolNaming.sanitize("fs__read file/with.dots:and spaces");
    assertThat(weird).matches(ToolNaming.VALID).isEqualTo("fs__read_file_with_dots_and_spaces");
    String longName = "server__" + "x".repeat(100);
    String shortened = ToolNaming.sanitize(longName);
    assertThat(shortened).matches(ToolNaming.VALID).hasSize(64).isEqualTo(ToolNaming.sanitize(longName));
    assertThat(ToolNaming.sanitize("server__" + "x".repeat(99) + "y")).isNotEqualTo(shortened);
    assertThat(ToolNaming.sanitize("")).matches(ToolNaming.VALID);
  }

  @Test
  void collisionsResolveTheSameWayWhateverTheOrderOfArrival() {
    List<Candidate> candidates = new ArrayList<>(List.of(
        new Candidate("b", "", "search"), new Candidate("a", "", "search"), new Candidate("c", "", "search"),
        new Candidate("a", "", "fetch")));
    NameAssigner.Result first = NameAssigner.assign(candidates, ToolNaming.DEFAULT);
    assertThat(first.names()).containsExactly("search_" + ToolNaming.hash8("b/search"), "search",
        "search_" + ToolNaming.hash8("c/search"), "fetch");
    assertThat(first.collisions()).hasSize(1);
    assertThat(first.collisions().get(0).owners()).hasSize(3).first().asString().startsWith("a/search");
    for (int i = 0; i < 5; i++) {
      List<Candidate> shuffled = new ArrayList<>(candidates);
      Collections.shuffle(shuffled);
      NameAssigner.Result again = NameAssigner.assign(shuffled, ToolNaming.DEFAULT);
      for (int j = 0; j < shuffled.size(); j++) {
        assertThat(again.names().get(j)).isEqualTo(first.names().get(candidates.indexOf(shuffled.get(j))));
      }
    }
  }

  @Test
  void aNamingFunctionThatReturnsInvalidNamesIsSanitized() {
    NameAssigner.Result result = NameAssigner.assign(List.of(new Candidate("s", "s", "t")),
        (server, prefix, name) -> prefix + "." + name + "!");
    assertThat(result.names()).containsExactly("s_t_");
  }
}
