package io.ssemux.core;

import java.util.Arrays;

/**
 * The connections subscribed to one channel, grouped by the executor (I/O thread) they live on,
 * so a publish hands each executor's {@link Outbox} one entry for all its connections instead of
 * one per connection.
 *
 * <p>Snapshots: the hub changes it under its lock; publish tasks iterate the {@link Group} they were
 * handed without locking. A group is its array's first {@code count} slots, and those never change:
 * a subscribe writes the slot after the last one (growing the array by doubling, so a connect storm
 * on one channel costs O(1) per connection, not a copy of every subscriber), then publishes a group
 * with one more; an unsubscribe makes a new array. {@link #size()} may be read without the lock (for
 * the stats).
 */
final class Subscribers {
    /** The first {@code count} connections of {@code members} live on {@code outbox}'s executor. */
    @SuppressWarnings("ArrayRecordComponent") // a snapshot of the array's first count slots, never compared or hashed
    record Group(Outbox outbox, ConnectionState[] members, int count) {}

    private static final Group[] NO_GROUPS = new Group[0];
    private static final int FIRST_CAPACITY = 4;

    private Group[] groups = NO_GROUPS;
    private volatile int size; // written under the hub's lock only

    Group[] groups() {
        return groups;
    }

    int size() {
        return size;
    }

    /** Adds {@code connection}: O(1) amortized (O(executors) for the small array of groups). */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer at a time: the hub's lock
    void add(ConnectionState connection) {
        Outbox outbox = connection.outbox();
        for (int i = 0; i < groups.length; i++) {
            Group group = groups[i];
            if (group.outbox() == outbox) {
                ConnectionState[] members = group.members();
                int count = group.count();
                if (count == members.length) {
                    members = Arrays.copyOf(members, count * 2);
                }
                members[count] = connection; // past every published count: no snapshot reads it
                Group[] copy = groups.clone();
                copy[i] = new Group(outbox, members, count + 1);
                groups = copy;
                size++;
                return;
            }
        }
        ConnectionState[] members = new ConnectionState[FIRST_CAPACITY];
        members[0] = connection;
        Group[] copy = Arrays.copyOf(groups, groups.length + 1);
        copy[groups.length] = new Group(outbox, members, 1);
        groups = copy;
        size++;
    }

    /** Removes {@code connection}: O(subscribers of its executor), into a new array. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer at a time: the hub's lock
    void remove(ConnectionState connection) {
        for (int i = 0; i < groups.length; i++) {
            ConnectionState[] members = groups[i].members();
            int count = groups[i].count();
            for (int j = 0; j < count; j++) {
                if (members[j] == connection) {
                    removeAt(i, j);
                    size--;
                    return;
                }
            }
        }
    }

    private void removeAt(int groupIndex, int memberIndex) {
        Group group = groups[groupIndex];
        int count = group.count();
        if (count == 1) {
            Group[] copy = new Group[groups.length - 1];
            System.arraycopy(groups, 0, copy, 0, groupIndex);
            System.arraycopy(groups, groupIndex + 1, copy, groupIndex, groups.length - groupIndex - 1);
            groups = copy;
            return;
        }
        // A new array: the old one's slots may be read by a publish task still running.
        ConnectionState[] rest = new ConnectionState[Math.max(FIRST_CAPACITY, count - 1)];
        System.arraycopy(group.members(), 0, rest, 0, memberIndex);
        System.arraycopy(group.members(), memberIndex + 1, rest, memberIndex, count - memberIndex - 1);
        Group[] copy = groups.clone();
        copy[groupIndex] = new Group(group.outbox(), rest, count - 1);
        groups = copy;
    }
}
