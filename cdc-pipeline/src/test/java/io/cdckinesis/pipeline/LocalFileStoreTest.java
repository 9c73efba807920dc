package io.cdckinesis.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdckinesis.core.ObjectChangedException;
import io.cdckinesis.core.ObjectMissingException;
import io.cdckinesis.core.spi.ObjectStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreTest {

  @TempDir Path dir;

  private Path write(String key, String content) throws Exception {
    Path f = dir.resolve(key);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    return f;
  }

  @Test
  void listsKeysInByteOrderUnderAPrefixAfterAKey() throws Exception {
    write("hq/dbo/t/LOAD00000001.csv", "1,a\n");
    write("hq/dbo/t/20261130-100000000.csv", "I,2,b\n");
    write("hq/dbo/t/p1/LOAD00000001.csv", "3,c\n");
    write("hq/dbo/u/LOAD00000001.csv", "9,z\n");
    LocalFileStore store = new LocalFileStore(dir);

    assertThat(store.list("x", "hq/dbo/t/", null, 10))
        .extracting(ObjectStore.Listed::key)
        .containsExactly(
            "hq/dbo/t/20261130-100000000.csv",
            "hq/dbo/t/LOAD00000001.csv",
            "hq/dbo/t/p1/LOAD00000001.csv");
    assertThat(store.list("x", "hq/dbo/t/", "hq/dbo/t/20261130-100000000.csv", 1))
        .extracting(ObjectStore.Listed::key)
        .containsExactly("hq/dbo/t/LOAD00000001.csv");
    assertThat(store.folders("x", "hq/")).containsExactly("hq/dbo/");
    assertThat(store.folders("x", "hq/dbo/t/")).containsExactly("hq/dbo/t/p1/");
  }

  @Test
  void opensFromAByteAndRefusesAnotherVersion() throws Exception {
    Path f = write("dbo/t/LOAD00000001.csv", "1,a\n2,b\n");
    LocalFileStore store = new LocalFileStore(dir);
    String eTag = store.list("x", "dbo/t/", null, 1).get(0).eTag();

    try (ObjectStore.Opened o = store.open("x", "dbo/t/LOAD00000001.csv", 4, eTag);
        InputStream in = o.stream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("2,b\n");
      assertThat(o.positioned()).isTrue();
    }
    Files.writeString(f, "1,a\n2,b\n3,c\n");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    assertThatThrownBy(() -> store.open("x", "dbo/t/LOAD00000001.csv", 0, eTag))
        .isInstanceOf(ObjectChangedException.class);
    assertThatThrownBy(() -> store.open("x", "dbo/t/LOAD00000002.csv", 0, null))
        .isInstanceOf(ObjectMissingException.class);
    assertThatThrownBy(() -> store.open("x", "../outside.csv", 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
