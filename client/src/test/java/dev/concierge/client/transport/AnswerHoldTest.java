package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnswerHoldTest {
  @Test
  void releasesWhatWasNotCancelledOnceEachAndNothingElse() throws Exception {
    // Long enough that each cancel below comes well before its sweep, even on a stalled machine.
    AnswerHold hold = new AnswerHold(TimeUnit.MILLISECONDS.toNanos(100));
    CountDownLatch released = new CountDownLatch(100);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger cancelledRuns = new AtomicInteger();
    for (int i = 0; i < 200; i++) {
      if (i % 2 == 0) {
        hold.hold(() -> {
          runs.incrementAndGet();
          released.countDown();
        });
      } else {
        Runnable cancelled = cancelledRuns::incrementAndGet;
        hold.hold(cancelled);
        hold.cancel(cancelled);
      }
    }
    assertThat(released.await(10, TimeUnit.SECONDS)).isTrue(); // a hang guard
    assertThat(runs).hasValue(100);
    assertThat(cancelledRuns).hasValue(0);

    CountDownLatch later = new CountDownLatch(1);
    hold.hold(later::countDown); // the timer re-arms after going idle
    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aResponseHeldAfterSweepsThatFoundNothingIsStillReleased() throws Exception {
    AnswerHold hold = new AnswerHold(TimeUnit.MILLISECONDS.toNanos(2));
    for (int i = 0; i < 6; i++) { // answers whose bodies end at once: sweeps find nothing and come less often
      Runnable ended = () -> {
        throw new AssertionError("a cancelled hold ran");
      };
      hold.hold(ended);
      hold.cancel(ended);
      Thread.sleep(10);
    }
    CountDownLatch released = new CountDownLatch(1);
    hold.hold(released::countDown); // a body that never ends
    assertThat(released.await(10, TimeUnit.SECONDS)).isTrue(); // within 16 holds; 10 s is a hang guard
  }
}
