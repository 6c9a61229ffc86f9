package io.ssemux.core;

import java.util.Arrays;

/**
 * The connections subscribed to one channel, grouped by the executor (I/O thread) they live on,
 * so a publish hands each executor's {@link Outbox} one entry for all its connections instead of
 * one per connection.
 *
 * <p>Copy-on-write: the hub changes it under its lock; publish tasks iterate the arrays they were
 * handed without locking, since a published array is never changed. {@link #size()} may be read
 * without the lock (for the stats).
 */
final class Subscribers {
    /** The connections of one executor. */
    @SuppressWarnings("ArrayRecordComponent") // copy-on-write snapshot, never compared or hashed
    record Group(Outbox outbox, ConnectionState[] members) {}

    private static final Group[] NO_GROUPS = new Group[0];

    private Group[] groups = NO_GROUPS;
    private volatile int size; // written under the hub's lock only

    Group[] groups() {
        return groups;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer at a time: the hub's lock
    void add(ConnectionState connection) {
        Outbox outbox = connection.outbox();
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].outbox() == outbox) {
                ConnectionState[] members = Arrays.copyOf(groups[i].members(), groups[i].members().length + 1);
                members[members.length - 1] = connection;
                Group[] copy = groups.clone();
                copy[i] = new Group(outbox, members);
                groups = copy;
                size++;
                return;
            }
        }
        Group[] copy = Arrays.copyOf(groups, groups.length + 1);
        copy[groups.length] = new Group(outbox, new ConnectionState[] {connection});
        groups = copy;
        size++;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer at a time: the hub's lock
    void remove(ConnectionState connection) {
        for (int i = 0; i < groups.length; i++) {
            ConnectionState[] members = groups[i].members();
            for (int j = 0; j < members.length; j++) {
                if (members[j] == connection) {
                    removeAt(i, j);
                    size--;
                    return;
                }
            }
        }
    }

    private void removeAt(int groupIndex, int memberIndex) {
        ConnectionState[] members = groups[groupIndex].members();
        if (members.length == 1) {
            Group[] copy = new Group[groups.length - 1];
            System.arraycopy(groups, 0, copy, 0, groupIndex);
            System.arraycopy(groups, groupIndex + 1, copy, groupIndex, groups.length - groupIndex - 1);
            groups = copy;
            return;
        }
        ConnectionState[] rest = new ConnectionState[members.length - 1];
        System.arraycopy(members, 0, rest, 0, memberIndex);
        System.arraycopy(members, memberIndex + 1, rest, memberIndex, members.length - memberIndex - 1);
        Group[] copy = groups.clone();
        copy[groupIndex] = new Group(groups[groupIndex].outbox(), rest);
        groups = copy;
    }
}
