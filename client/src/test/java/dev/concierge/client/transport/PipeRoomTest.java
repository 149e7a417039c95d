package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import org.junit.jupiter.api.Test;

class PipeRoomTest {
  private final PipeRoom room = new PipeRoom();

  private static JsonRpcRequest request(long id) {
    return new JsonRpcRequest(RequestId.of(id), "tools/call", null);
  }

  private static JsonRpcResponse answer(long id) {
    return new JsonRpcResponse(RequestId.of(id), Json.object(), null);
  }

  @Test
  void aLineFitsUntilWhatMayBeUnreadWouldPassThePipesSureCapacity() {
    assertThat(room.fits(PipeRoom.SURE_CAPACITY)).isTrue();
    assertThat(room.fits(PipeRoom.SURE_CAPACITY + 1)).isFalse();
    room.wrote(request(1), 3000);
    assertThat(room.fits(1096)).isTrue();
    assertThat(room.fits(1097)).isFalse();
  }

  @Test
  void anAnswerProvesEverythingUpToItsRequestWasRead() {
    room.wrote(request(1), 1000);
    room.wrote(new JsonRpcNotification("notifications/progress", null), 1000);
    room.wrote(request(2), 2000);
    assertThat(room.fits(100)).isFalse();

    room.read(answer(1)); // an earlier request: what came after it may still be in the pipe
    assertThat(room.fits(1000)).isTrue(); // 3000 possibly unread
    assertThat(room.fits(1097)).isFalse();
    room.read(new JsonRpcNotification("notifications/message", null));
    room.read(new JsonRpcRequest(RequestId.of(2), "ping", null)); // the server's own request with the same id
    assertThat(room.fits(1097)).isFalse();

    room.read(new JsonRpcResponse(RequestId.of(2), null, new JsonRpcError(-32601, "no", null))); // errors prove it too
    assertThat(room.fits(PipeRoom.SURE_CAPACITY)).isTrue();
  }

  @Test
  void answersInAnyOrderAndRequestsNeverAnsweredLeaveNothingBehind() {
    room.wrote(request(1), 1000); // never answered (timed out)
    room.wrote(request(2), 1000);
    room.wrote(request(3), 1000);
    room.read(answer(3)); // proves 1 and 2 were read as well
    assertThat(room.fits(PipeRoom.SURE_CAPACITY)).isTrue();
    room.read(answer(2)); // late: proves nothing more
    assertThat(room.fits(PipeRoom.SURE_CAPACITY)).isTrue();
    room.wrote(request(4), 4000);
    room.read(answer(1)); // its entry went with 3's answer: no going back
    assertThat(room.fits(97)).isFalse();
  }

  @Test
  void whatWasWrittenAfterTheLastRequestStaysUnproven() {
    room.wrote(request(1), 1000);
    room.wrote(new JsonRpcNotification("notifications/cancelled", null), 3000);
    room.read(answer(1));
    assertThat(room.fits(1096)).isTrue();
    assertThat(room.fits(1097)).isFalse();
  }
}
