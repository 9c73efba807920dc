package io.cdckinesis.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmallPartsTest {

  @Test
  void eTagsAreQuotedOnce() {
    assertThat(ETags.quoted("abc")).isEqualTo("\"abc\"");
    assertThat(ETags.quoted("\"abc\"")).isEqualTo("\"abc\"");
    assertThat(ETags.quoted("abc-3")).isEqualTo("\"abc-3\"");
    assertThat(ETags.quoted(null)).isNull();
    assertThat(ETags.quoted("")).isNull();
  }

  @Test
  void contentRangeGivesTheWholeSize() {
    assertThat(ContentRanges.totalSize("bytes 0-1/1048576", -1)).isEqualTo(1048576);
    assertThat(ContentRanges.totalSize("bytes 300-999/1000", -1)).isEqualTo(1000);
    assertThat(ContentRanges.totalSize(null, 42)).isEqualTo(42);
    assertThat(ContentRanges.totalSize("bytes 0-1/*", 7)).isEqualTo(7);
    assertThat(ContentRanges.totalSize("garbage", 7)).isEqualTo(7);
  }
}
