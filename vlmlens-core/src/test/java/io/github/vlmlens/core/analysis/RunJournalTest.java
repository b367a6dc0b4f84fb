package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunJournalTest {
  record Item(String id, double value, byte[] payload) {}

  @TempDir Path tmp;

  private static RunJournal<Item> open(FakeVlm m, Path dir, String hash) {
    return RunJournal.open(m, dir, "test", "items.jsonl", hash, Map.of("what", "test"), Item.class);
  }

  @Test
  void recordsSurviveReopeningAndAnUnfinishedLineIsDropped() throws IOException {
    FakeVlm m = FakeVlm.standard();
    String hash = RunJournal.hash("cfg", 1, List.of(2, 3));
    try (RunJournal<Item> j = open(m, tmp, hash)) {
      assertTrue(j.done().isEmpty());
      j.append(new Item("a", 1.5, new byte[] {1, 2, 3}));
      j.append(new Item("b", Double.NaN, new byte[0]));
    }
    Files.writeString(tmp.resolve("items.jsonl"), "{\"i\":2,\"id\":\"c\",\"val", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    try (RunJournal<Item> again = open(m, tmp, hash)) {
      List<Item> done = again.done();
      assertEquals(2, done.size());
      assertEquals("a", done.get(0).id());
      assertEquals(3, done.get(0).payload().length);
      assertTrue(Double.isNaN(done.get(1).value()));
    }
    assertTrue(Files.readString(tmp.resolve("items.jsonl")).endsWith("\n"));
  }

  @Test
  void anotherHashIsRefusedWithTheDirectoryNamed() {
    FakeVlm m = FakeVlm.standard();
    open(m, tmp, RunJournal.hash("one")).close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(m, tmp, RunJournal.hash("two")));
    assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    assertNotEquals(RunJournal.hash("one"), RunJournal.hash("two"));
  }

  @Test
  void aDamagedLineFailsItsChecksum() throws IOException {
    FakeVlm m = FakeVlm.standard();
    try (RunJournal<Item> j = open(m, tmp, "h")) {
      j.append(new Item("a", 1.5, new byte[0]));
      j.append(new Item("b", 2.5, new byte[0]));
    }
    Path f = tmp.resolve("items.jsonl");
    Files.writeString(f, Files.readString(f).replace("1.5", "1.6"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(m, tmp, "h"));
    assertTrue(e.getMessage().contains("line 1 of") && e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void aSecondRunIntoALockedDirectoryIsRefused() {
    FakeVlm m = FakeVlm.standard();
    try (RunJournal<Item> j = open(m, tmp, "h")) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(m, tmp, "h"));
      assertTrue(e.getMessage().contains("another vlmlens run is writing"), e.getMessage());
    }
    open(m, tmp, "h").close(); // released
  }

  @Test
  void aDirectoryHoldingOtherFilesOrAnotherExperimentIsRefused() throws IOException {
    FakeVlm m = FakeVlm.standard();
    Files.writeString(tmp.resolve("notes.txt"), "mine");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(m, tmp, "h"));
    assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("notes.txt"), e.getMessage());
    assertTrue(Files.readString(tmp.resolve("notes.txt")).equals("mine"));

    Path other = tmp.resolve("other");
    RunJournal.open(m, other, "spatial-ids", "u.jsonl", "h", "x", Item.class).close();
    IllegalStateException kind = assertThrows(IllegalStateException.class, () -> open(m, other, "h"));
    assertTrue(kind.getMessage().contains("holds a spatial-ids run, not a test run"), kind.getMessage());
  }

  @Test
  void anotherModelWithTheSameNameIsRefused() {
    FakeVlm a = FakeVlm.standard();
    a.fingerprint = "aaaa1111";
    FakeVlm b = FakeVlm.standard();
    b.fingerprint = "bbbb2222";
    open(a, tmp, "h").close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(b, tmp, "h"));
    assertTrue(e.getMessage().contains("aaaa1111") && e.getMessage().contains("bbbb2222"), e.getMessage());
  }

  @Test
  void aBlankOrFilePathIsRefused() throws IOException {
    FakeVlm m = FakeVlm.standard();
    assertThrows(IllegalArgumentException.class, () -> open(m, Path.of(""), "h"));
    Path file = Files.writeString(tmp.resolve("f"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(m, file, "h"));
    assertTrue(e.getMessage().contains("is a file"), e.getMessage());
  }

  @Test
  void jsonRoundTrip() {
    Path f = tmp.resolve("sub/r.json");
    Estimate e = new Estimate(3, 1.0, 0.5, 0.2, 1.8);
    RunJournal.writeJson(f, e);
    assertEquals(e, RunJournal.readJson(f, Estimate.class));
    assertThrows(java.io.UncheckedIOException.class, () -> RunJournal.readJson(tmp.resolve("none.json"), Estimate.class));
    try (var s = Files.list(tmp.resolve("sub"))) {
      assertEquals(List.of("r.json"), s.map(p -> p.getFileName().toString()).toList()); // no temp file left
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x);
    }
  }
}
