package dev.accord.bench.load;

/**
 * What one fleet of workload d measured, in one phase.
 *
 * @param shape processes × threads × work ms
 * @param phase {@code cold} (a fresh list, nothing done, new clients) or {@code sweep} (a list of
 *     which donePercent is done)
 * @param names the list's length
 * @param items resources processed (done by the fleet)
 * @param seconds from GO to the last process's loop returning: the time to the last item
 * @param itemsPerSecond items ÷ seconds
 * @param idealPerSecond K·T ÷ W
 * @param percentOfIdeal 100 · itemsPerSecond ÷ idealPerSecond
 * @param item per item: from one task's start to the next's on the same thread
 * @param skipped names skipped as done (cache or server), summed over processes
 * @param failed names given up, summed over processes
 * @param errors processes that failed or did not report, plus failed names
 */
record LoopResult(
    String shape,
    int processes,
    int threads,
    int workMillis,
    String phase,
    String namespace,
    int names,
    long items,
    double seconds,
    double itemsPerSecond,
    double idealPerSecond,
    double percentOfIdeal,
    Latency item,
    long skipped,
    long failed,
    long errors,
    String firstError) {}
