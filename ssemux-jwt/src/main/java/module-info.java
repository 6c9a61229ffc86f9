/** JSON Web Token authentication for ssemux: {@link io.ssemux.jwt.JwtAuthenticator}. */
module io.ssemux.jwt {
    requires transitive io.ssemux.core;
    requires com.nimbusds.jose.jwt;
    requires transitive java.net.http;

    exports io.ssemux.jwt;
}
