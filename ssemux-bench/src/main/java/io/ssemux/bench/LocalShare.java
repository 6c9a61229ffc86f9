package io.ssemux.bench;

/** A share of the streams in the coordinator's own process. */
final class LocalShare implements Share {
    private final StreamClients clients;
    private Report last;

    LocalShare(ShareSpec spec) {
        this.clients = new StreamClients(spec).start();
    }

    @Override
    public Report report() {
        return clients.counters().report(false);
    }

    @Override
    public Report finish() {
        if (last == null) {
            clients.close();
            last = clients.counters().report(true);
        }
        return last;
    }

    @Override
    public void close() {
        finish();
    }
}
