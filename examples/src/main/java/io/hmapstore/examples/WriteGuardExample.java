package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.OffHeapMap;
import io.hmapstore.RejectedWriteException;

/**
 * A write guard is an assertion run before every write, as a Go engineer would patch one into
 * {@code runtime.mapassign}: here, account balances may never go negative and accounts are never deleted.
 * Without it, a buggy withdrawal stores a negative balance; with it, the write is refused with
 * {@link RejectedWriteException} and nothing changes.
 *
 * <pre>mvn -q -pl examples compile exec:exec -Dexample=WriteGuardExample</pre>
 */
public final class WriteGuardExample {

    private WriteGuardExample() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        System.out.println("== guard off: no writeGuard");
        try (OffHeapMap<Long, Long> balances = OffHeapMap.of(Codecs.longs(), Codecs.longs()).open()) {
            buggyWithdrawal(balances);
        }

        System.out.println("== guard on: writeGuard(balance >= 0, no deletes)");
        try (OffHeapMap<Long, Long> balances = OffHeapMap.of(Codecs.longs(), Codecs.longs())
                .writeGuard((Long account, Long balance) -> balance == null ? "accounts are never deleted"
                        : balance < 0 ? "balance may not go negative: " + balance : null)
                .open()) {
            buggyWithdrawal(balances);
        }
    }

    private static void buggyWithdrawal(OffHeapMap<Long, Long> balances) {
        balances.put(7L, 100L);
        try {
            balances.merge(7L, -150L, Long::sum); // the bug: no check for sufficient funds
            System.out.println("   withdrew 150 from 100: balance is now " + balances.get(7L));
        } catch (RejectedWriteException e) {
            System.out.println("   refused: " + e.getMessage() + "; balance is still " + balances.get(7L));
        }
        try {
            balances.remove(7L);
            System.out.println("   account 7 deleted: " + balances.get(7L));
        } catch (RejectedWriteException e) {
            System.out.println("   refused: " + e.getMessage());
        }
    }
}
