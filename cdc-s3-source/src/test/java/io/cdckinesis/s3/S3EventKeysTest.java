package io.cdckinesis.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3ObjectEntity;
import io.cdckinesis.core.CdcException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3EventKeysTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dbo/Customer/LOAD00000001.csv | dbo/Customer/LOAD00000001.csv",
        "dbo/My+Table/LOAD00000001.csv | dbo/My Table/LOAD00000001.csv",
        "dbo/a%2Bb/20260102-030405123.csv | dbo/a+b/20260102-030405123.csv",
        "dbo/caf%C3%A9/x.csv | dbo/café/x.csv",
        "%E5%8C%97%E4%BA%AC/%E8%A1%A8/LOAD00000001.csv.gz | 北京/表/LOAD00000001.csv.gz",
        "part%3Dk%3Dv/100%25/x.csv | part=k=v/100%/x.csv",
        "a+%2B+b/%20x | a + b/ x",
        "emoji/%F0%9F%98%80.csv | emoji/😀.csv"
      })
  void decodesLikeAnS3EventEncodesAndLikeTheLambdaLibrary(String encoded, String expected) {
    assertThat(S3EventKeys.decode(encoded)).isEqualTo(expected);
    assertThat(S3EventKeys.decode(encoded)).isEqualTo(lambdaLibraryDecode(encoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dbo/T/100%", "dbo/T/%zz.csv", "dbo/%E"})
  void rejectsMalformedEncodingNamingTheKey(String encoded) {
    assertThatThrownBy(() -> S3EventKeys.decode(encoded))
        .isInstanceOf(CdcException.class)
        .hasMessageContaining(encoded)
        .hasMessageContaining("URL encoding");
  }

  private static String lambdaLibraryDecode(String key) {
    return new S3ObjectEntity(key, 1L, "etag", null, "seq").getUrlDecodedKey();
  }
}
