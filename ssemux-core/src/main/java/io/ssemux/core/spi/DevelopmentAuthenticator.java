package io.ssemux.core.spi;

import io.ssemux.core.Names;

/** {@link Authenticator#development()}: believes whoever the request says it is. Stateless. */
final class DevelopmentAuthenticator implements Authenticator {
    static final DevelopmentAuthenticator INSTANCE = new DevelopmentAuthenticator();

    private DevelopmentAuthenticator() {}

    @Override
    public Principal authenticate(RequestInfo request) {
        String user = request.queryParameter("user");
        if (user == null || user.isEmpty()) {
            user = request.header("X-User-Id");
        }
        if (user == null || user.isEmpty()) {
            user = request.remoteAddress();
        }
        return Principal.of(Names.checkUser(user), Grants.all());
    }

    @Override
    public boolean trustsAnyone() {
        return true;
    }

    @Override
    public String toString() {
        return "Authenticator.development()";
    }
}
