package dev.concierge.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/** Verifies RS256 and ES256 JWS signatures (RFC 7518 §3.3, §3.4) with the JDK's providers. */
final class JwsSignature {
  private static final int P256_BYTES = 32;

  private JwsSignature() {}

  /**
   * @param alg {@code RS256} or {@code ES256} (anything else is {@code false})
   * @param signingInput the ASCII of {@code header.payload}, exactly as received
   * @param signature the decoded third part
   */
  static boolean verify(String alg, PublicKey key, byte[] signingInput, byte[] signature) {
    try {
      Signature verifier;
      byte[] sig;
      if ("RS256".equals(alg)) {
        verifier = Signature.getInstance("SHA256withRSA");
        sig = signature;
      } else if ("ES256".equals(alg)) {
        if (signature.length != 2 * P256_BYTES) {
          return false;
        }
        verifier = Signature.getInstance("SHA256withECDSA");
        sig = derOf(signature);
      } else {
        return false;
      }
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a signature that does not even decode is simply not valid
    }
  }

  /**
   * JWS carries an ES256 signature as R‖S, 32 unsigned big-endian bytes each; the JDK's {@code SHA256withECDSA}
   * wants the ASN.1 DER {@code SEQUENCE {INTEGER r, INTEGER s}}. Both integers are minimal (leading zero bytes
   * dropped) and positive (a zero byte put back when the top bit is set). Every length fits one byte (at most 70).
   */
  static byte[] derOf(byte[] raw) {
    if (raw.length != 2 * P256_BYTES) {
      throw new IllegalArgumentException("an ES256 signature has 64 bytes");
    }
    byte[] r = derInteger(raw, 0);
    byte[] s = derInteger(raw, P256_BYTES);
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  private static byte[] derInteger(byte[] raw, int offset) {
    int start = offset;
    int end = offset + P256_BYTES;
    while (start < end - 1 && raw[start] == 0) {
      start++;
    }
    int pad = (raw[start] & 0x80) != 0 ? 1 : 0;
    int len = end - start + pad;
    byte[] out = new byte[2 + len];
    out[0] = 0x02;
    out[1] = (byte) len;
    System.arraycopy(raw, start, out, 2 + pad, end - start);
    return out;
  }
}
