package io.cdckinesis.local.faults.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.local.faults.FaultOperation;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

class AwsCallTest {

  private static final String S3_AGENT =
      "aws-sdk-java/2.57.8 md/io#sync md/http#Apache5 ua/2.1 api/S3#2.57.x os/Linux";

  private static SdkHttpRequest.Builder s3(SdkHttpMethod method, String path) {
    return SdkHttpRequest.builder()
        .method(method)
        .protocol("http")
        .host("127.0.0.1")
        .port(9000)
        .encodedPath(path)
        .putHeader("User-Agent", S3_AGENT);
  }

  private static SdkHttpRequest kinesis(String operation) {
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .protocol("http")
        .host("127.0.0.1")
        .port(4567)
        .encodedPath("/")
        .putHeader("X-Amz-Target", "Kinesis_20131202." + operation)
        .putHeader("User-Agent", "aws-sdk-java/2.57.8 api/Kinesis#2.57.x")
        .build();
  }

  @Test
  void kinesisPutRecordsOnly() {
    assertThat(AwsCall.classify(kinesis("PutRecords")).operation())
        .isEqualTo(FaultOperation.PUT_RECORDS);
    assertThat(AwsCall.classify(kinesis("PutRecord")).operation()).isNull();
    assertThat(AwsCall.classify(kinesis("GetRecords")).operation()).isNull();
    assertThat(AwsCall.classify(kinesis("ListShards")).operation()).isNull();
  }

  @Test
  void s3GetObjectWithItsParametersAndTheObjectIdentity() {
    AwsCall plain = AwsCall.classify(s3(SdkHttpMethod.GET, "/bkt/dbo/T/LOAD%201.csv").build());
    AwsCall ranged =
        AwsCall.classify(
            s3(SdkHttpMethod.GET, "/bkt/dbo/T/LOAD%201.csv")
                .putHeader("Range", "bytes=10-")
                .putRawQueryParameter("versionId", "v1")
                .putRawQueryParameter("response-content-type", "text/csv")
                .build());

    assertThat(plain.operation()).isEqualTo(FaultOperation.GET_OBJECT);
    assertThat(plain.objectKey()).isEqualTo("127.0.0.1:9000/bkt/dbo/T/LOAD%201.csv");
    assertThat(ranged).isEqualTo(plain);
  }

  @Test
  void s3PutObjectButNotCopiesOrParts() {
    assertThat(AwsCall.classify(s3(SdkHttpMethod.PUT, "/bkt/cp/1.json").build()).operation())
        .isEqualTo(FaultOperation.PUT_OBJECT);
    assertThat(
            AwsCall.classify(
                    s3(SdkHttpMethod.PUT, "/bkt/a")
                        .putHeader("x-amz-copy-source", "/bkt/b")
                        .build())
                .operation())
        .isNull();
    assertThat(
            AwsCall.classify(
                    s3(SdkHttpMethod.PUT, "/bkt/a")
                        .putRawQueryParameter("partNumber", "1")
                        .putRawQueryParameter("uploadId", "u")
                        .build())
                .operation())
        .isNull();
  }

  @Test
  void otherS3CallsAndOtherServicesAreLeftAlone() {
    assertThat(AwsCall.classify(s3(SdkHttpMethod.GET, "/bkt").build()).operation()).isNull();
    assertThat(AwsCall.classify(s3(SdkHttpMethod.GET, "/bkt/").build()).operation()).isNull();
    assertThat(
            AwsCall.classify(
                    s3(SdkHttpMethod.GET, "/bkt").putRawQueryParameter("list-type", "2").build())
                .operation())
        .isNull();
    assertThat(
            AwsCall.classify(
                    s3(SdkHttpMethod.GET, "/bkt/k")
                        .putRawQueryParameter("acl", (String) null)
                        .build())
                .operation())
        .isNull();
    assertThat(AwsCall.classify(s3(SdkHttpMethod.HEAD, "/bkt/k").build()).operation()).isNull();
    assertThat(AwsCall.classify(s3(SdkHttpMethod.DELETE, "/bkt/k").build()).operation()).isNull();
    assertThat(
            AwsCall.classify(
                    s3(SdkHttpMethod.GET, "/2015-03-31/functions/f")
                        .putHeader("User-Agent", "aws-sdk-java/2.57.8 api/Lambda#2.57.x")
                        .build())
                .operation())
        .isNull();
  }
}
