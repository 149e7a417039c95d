package dev.concierge.bench;

/**
 * What one store size gave.
 *
 * @param memories memories loaded
 * @param users how many users they are spread over
 * @param measuredUserMemories memories of the user whose recall and remember were timed, when timing began
 * @param loadedWith the embedder of the bulk load
 * @param loadSeconds wall time of the bulk load's {@code rememberAll} calls, durable writes included
 * @param closeSeconds closing the store after the load (the embedded store waits for its segment merges)
 * @param importPerSec memories per second of one {@code importJsonl} (JSON parsing, the real model, one atomic write)
 * @param recall k-nearest recall, lexical and semantic, query embedding included
 * @param lexicalRecall recall with the store opened without an embedder
 * @param remember one {@code remember} at a time, embedding and durable write included
 * @param recallAfterRemember a recall for what was just remembered, made as soon as the remember returned
 * @param missedOwnWrites such recalls whose top k did not hold that memory (should be 0)
 * @param embedAlone the real model on the same texts as {@code remember}, without the store
 * @param forget forgets by id of random memories of random users, the rewrite of the files that held them
 *     included; {@code null} when none were timed
 * @param emptyRecalls timed recalls that found nothing (a sanity check: should be 0)
 * @param bytesOnDisk size of the store's files after the run, or -1 when not a directory
 * @param heapBytes heap in use after a full GC, with the store open and warm
 * @param residentBytes the process's resident memory at the same moment
 * @param loadAverage the machine's load averages when this size was done
 */
record StoreResult(int memories, int users, int measuredUserMemories, String loadedWith, double loadSeconds,
    double closeSeconds, double importPerSec, Latency recall, Latency lexicalRecall, Latency remember,
    Latency recallAfterRemember, int missedOwnWrites, Latency embedAlone, Latency forget, int emptyRecalls, long bytesOnDisk, long heapBytes, long residentBytes, String loadAverage) {

  double loadPerSec() {
    return memories / loadSeconds;
  }
}
