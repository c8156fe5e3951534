package io.hmapstore.cli;

import static io.hmapstore.cli.Hazard.Trial.figures;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.RejectedWriteException;

/**
 * A write a write guard refuses, the assertion a Go engineer patches into {@code runtime.mapassign}:
 * account balances must never go negative. A buggy withdrawal merges -150 into a balance of 100.
 * Without the guard the negative balance is stored; with it the write is refused with
 * {@link RejectedWriteException} naming key and reason, and the balance is unchanged.
 */
final class WriteGuardHazard implements Hazard {
    private static final long ACCOUNT = 7;
    private static final long BALANCE = 100;
    private static final long WITHDRAWAL = -150;

    @Override
    public About about() {
        return new About("write-guard",
                "a write a write guard refuses (the mapassign assertion: balance >= 0)",
                "GuardsTest.WriteGuardCheck", "WriteGuardExample", false);
    }

    @Override
    public Trial run(boolean guarded, Settings settings) {
        OffHeapMap.Builder<Long, Long> builder = OffHeapMap.of(Codecs.longs(), Codecs.longs());
        if (guarded) {
            builder = builder.writeGuard((Long account, Long balance) ->
                    balance != null && balance < 0 ? "balance may not go negative: " + balance : null);
        }
        try (OffHeapMap<Long, Long> balances = builder.open()) {
            balances.put(ACCOUNT, BALANCE);
            try {
                balances.merge(ACCOUNT, WITHDRAWAL, Long::sum); // the bug: no check for sufficient funds
            } catch (RejectedWriteException e) {
                long after = balances.get(ACCOUNT);
                String summary = "RejectedWriteException: " + e.getMessage() + "; the balance is still " + after;
                var figures = figures("balanceAfter", after, "exception", e.getClass().getSimpleName(),
                        "message", e.getMessage());
                return after == BALANCE ? Trial.prevented(summary, figures) : Trial.shown(summary, figures);
            }
            long after = balances.get(ACCOUNT);
            String summary = "withdrew " + -WITHDRAWAL + " from " + BALANCE + ": the balance stored is " + after;
            var figures = figures("balanceAfter", after);
            return after < 0 ? Trial.shown(summary, figures) : Trial.prevented(summary, figures);
        }
    }
}
