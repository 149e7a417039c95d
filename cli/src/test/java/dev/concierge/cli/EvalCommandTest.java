package dev.concierge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.context.NewMemory;
import dev.concierge.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code eval locomo} reads its options and lays out a conversation's turns as memories. */
class EvalCommandTest {
  private static EvalCommand.Locomo parse(String... args) {
    EvalCommand.Locomo locomo = new EvalCommand.Locomo();
    new CommandLine(locomo).parseArgs(args);
    return locomo;
  }

  @Test
  void datedAndNoDatedSayWhatTheyDo() {
    assertThat(parse("--data", "x.json").dated).isTrue();
    assertThat(parse("--data", "x.json", "--dated").dated).isTrue();
    assertThat(parse("--data", "x.json", "--no-dated").dated).isFalse();
  }

  private static final String CONVERSATION = "{\"session_1_date_time\": \"1:56 pm on 8 May, 2023\", \"session_1\": ["
      + "{\"speaker\": \"A\", \"dia_id\": \"D1:1\", \"text\": \"one\"},"
      + "{\"speaker\": \"B\", \"dia_id\": \"D1:2\", \"text\": \"two\"},"
      + "{\"speaker\": \"A\", \"dia_id\": \"D1:3\", \"text\": \"three\"}]}";

  @Test
  void eachTurnIsAMemoryAndTheTurnsAroundItItsContext() {
    List<NewMemory> turns = EvalCommand.Locomo.turns(Json.parse(CONVERSATION), 1, 1, true, false);
    assertThat(turns).extracting(NewMemory::text).containsExactly("(8 May 2023) A: one", "(8 May 2023) B: two",
        "(8 May 2023) A: three");
    assertThat(turns).extracting(NewMemory::context).containsExactly("B: two", "A: one\nA: three", "B: two");
    assertThat(turns.get(1).metadata().path("dia_id").asText()).isEqualTo("D1:2");
  }

  @Test
  void withContextInTextTheTurnsAroundItArePartOfItsText() {
    List<NewMemory> turns = EvalCommand.Locomo.turns(Json.parse(CONVERSATION), 1, 1, false, true);
    assertThat(turns).extracting(NewMemory::text).containsExactly("A: one\nB: two", "A: one\nB: two\nA: three",
        "B: two\nA: three");
    assertThat(turns).extracting(NewMemory::context).containsOnlyNulls();
  }
}
