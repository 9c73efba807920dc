package io.cdckinesis.kinesis.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Kinesis routing: a partition key's 128-bit hash key is the MD5 of its UTF-8 bytes, unsigned. */
public final class HashKeys {

  /** The largest hash key, 2^128 - 1. */
  public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  /** One digest per thread: looking one up for every record costs more than hashing the key. */
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(HashKeys::newMd5);

  private HashKeys() {}

  public static BigInteger of(String partitionKey) {
    return new BigInteger(1, md5(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] md5(byte[] bytes) {
    return md5Digest().digest(bytes);
  }

  /** This thread's MD5 digest, reset. */
  static MessageDigest md5Digest() {
    MessageDigest d = MD5.get();
    d.reset();
    return d;
  }

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }
}
