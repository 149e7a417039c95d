package dev.concierge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Deadlines deadlines = new Deadlines(scheduler, scheduler::nanoTime);
  private final List<String> expired = new ArrayList<>();

  private Deadlines.Key add(long seconds, String name) {
    return deadlines.add(TimeUnit.SECONDS.toNanos(seconds), () -> expired.add(name + "@" + now()));
  }

  private long now() {
    return TimeUnit.NANOSECONDS.toSeconds(scheduler.nanoTime());
  }

  @Test
  void eachDeadlineExpiresOnTimeInOrderAndARemovedOneNever() {
    add(10, "a");
    Deadlines.Key b = add(5, "b");
    scheduler.advance(1, TimeUnit.SECONDS);
    add(10, "c"); // due at 11
    add(3, "d"); // due at 4
    deadlines.remove(b);
    scheduler.advance(20, TimeUnit.SECONDS);
    assertThat(expired).containsExactly("d@4", "a@10", "c@11");
  }

  @Test
  void laterDeadlinesScheduleNothingAndAnsweredOnesCostOneSweepPerPeriod() {
    for (int i = 0; i < 1_000; i++) {
      deadlines.remove(add(30, "call" + i)); // the usual case: answered long before its timeout
    }
    assertThat(scheduler.waiting()).isEqualTo(1); // one sweep, at the first call's deadline
    scheduler.advance(1, TimeUnit.SECONDS);
    Deadlines.Key live = add(30, "live"); // due at 31
    scheduler.advance(29, TimeUnit.SECONDS); // the sweep at 30 finds nothing due and waits for "live"
    assertThat(expired).isEmpty();
    assertThat(scheduler.waiting()).isEqualTo(1);
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(expired).containsExactly("live@31");
    assertThat(scheduler.waiting()).isZero();
    deadlines.remove(live); // after expiry: a no-op
  }

  @Test
  void anEarlierDeadlineReplacesTheScheduledSweep() {
    add(60, "slow");
    add(1, "fast");
    assertThat(scheduler.waiting()).isEqualTo(1); // the sweep for 60 s was cancelled
    scheduler.advance(2, TimeUnit.SECONDS);
    assertThat(expired).containsExactly("fast@1");
    scheduler.advance(60, TimeUnit.SECONDS);
    assertThat(expired).containsExactly("fast@1", "slow@60");
  }
}
