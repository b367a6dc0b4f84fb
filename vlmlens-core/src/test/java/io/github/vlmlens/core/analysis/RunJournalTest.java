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

  @Test
  void recordsSurviveReopeningAndAnUnfinishedLineIsDropped() throws IOException {
    String hash = RunJournal.hash("cfg", 1, List.of(2, 3));
    RunJournal<Item> j = RunJournal.open(tmp, "items.jsonl", hash, Map.of("what", "test"), Item.class);
    assertTrue(j.done().isEmpty());
    j.append(new Item("a", 1.5, new byte[] {1, 2, 3}));
    j.append(new Item("b", Double.NaN, new byte[0]));
    Files.writeString(tmp.resolve("items.jsonl"), "{\"id\":\"c\",\"val", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    RunJournal<Item> again = RunJournal.open(tmp, "items.jsonl", hash, Map.of(), Item.class);
    List<Item> done = again.done();
    assertEquals(2, done.size());
    assertEquals("a", done.get(0).id());
    assertEquals(3, done.get(0).payload().length);
    assertTrue(Double.isNaN(done.get(1).value()));
    assertTrue(Files.readString(tmp.resolve("items.jsonl")).endsWith("\n"));
  }

  @Test
  void anotherHashIsRefusedWithTheDirectoryNamed() {
    RunJournal.open(tmp, "x.jsonl", RunJournal.hash("one"), "h", Item.class);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RunJournal.open(tmp, "x.jsonl", RunJournal.hash("two"), "h", Item.class));
    assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    assertNotEquals(RunJournal.hash("one"), RunJournal.hash("two"));
  }

  @Test
  void jsonRoundTrip() {
    Path f = tmp.resolve("sub/r.json");
    Estimate e = new Estimate(3, 1.0, 0.5, 0.2, 1.8);
    RunJournal.writeJson(f, e);
    assertEquals(e, RunJournal.readJson(f, Estimate.class));
    assertThrows(java.io.UncheckedIOException.class, () -> RunJournal.readJson(tmp.resolve("none.json"), Estimate.class));
  }
}
