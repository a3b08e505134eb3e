// The expected values of crates/shark/tests/hive_hash.rs, computed with
// Java's own hash rules (Integer, Long, Float, Double, String over UTF-8
// bytes as Hive reads them) — an implementation independent of Shark's.
// Run: cd crates/shark/tests/hive_hash && javac Expected.java && java Expected > expected.tsv
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

public class Expected {
    static int str(String s) {
        int r = 0;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) r = 31 * r + b;
        return r;
    }
    static int ts(String t) {
        LocalDateTime d = LocalDateTime.parse(t.replace(' ', 'T'));
        long seconds = d.toEpochSecond(ZoneOffset.UTC);
        long v = (seconds << 30) | d.getNano();
        return Long.hashCode(v);
    }
    static int combine(int... hs) {
        int r = 0;
        for (int h : hs) r = 31 * r + h;
        return r;
    }
    static void row(String sql, int v) {
        System.out.println(sql + "\t" + v);
    }
    public static void main(String[] a) {
        row("SELECT hash(1)", Integer.hashCode(1));
        row("SELECT hash(-7)", Integer.hashCode(-7));
        row("SELECT hash(CAST(4294967296 AS BIGINT))", Long.hashCode(4294967296L));
        row("SELECT hash(CAST(-5 AS BIGINT))", Long.hashCode(-5L));
        row("SELECT hash(CAST(3 AS TINYINT))", 3);
        row("SELECT hash(CAST(-300 AS SMALLINT))", -300);
        row("SELECT hash(1.5)", Double.hashCode(1.5));
        row("SELECT hash(CAST(-0.25 AS DOUBLE))", Double.hashCode(-0.25));
        row("SELECT hash(CAST(1.5 AS FLOAT))", Float.floatToIntBits(1.5f));
        row("SELECT hash('hello')", str("hello"));
        row("SELECT hash('')", str(""));
        row("SELECT hash('Hive on Spark, in Rust')", str("Hive on Spark, in Rust"));
        row("SELECT hash('caf\u00e9 \u65e5\u672c')", str("caf\u00e9 \u65e5\u672c"));
        row("SELECT hash(true)", 1);
        row("SELECT hash(false)", 0);
        row("SELECT hash(CAST(NULL AS STRING))", 0);
        row("SELECT hash(1, 'a')", combine(1, str("a")));
        row("SELECT hash('a', 1, CAST(NULL AS INT), 2.5)", combine(str("a"), 1, 0, Double.hashCode(2.5)));
        row("SELECT hash(CAST('2020-01-01' AS DATE))", (int) LocalDate.parse("2020-01-01").toEpochDay());
        row("SELECT hash(CAST('1969-07-20' AS DATE))", (int) LocalDate.parse("1969-07-20").toEpochDay());
        row("SELECT hash(CAST('2020-01-01 00:00:00.5' AS TIMESTAMP))", ts("2020-01-01 00:00:00.5"));
        row("SELECT hash(CAST('1999-12-31 23:59:59' AS TIMESTAMP))", ts("1999-12-31 23:59:59"));
        row("SELECT hash(array(1, 2, 3))", combine(1, 2, 3));
        row("SELECT hash(array('x', 'yz'))", combine(str("x"), str("yz")));
        row("SELECT hash(named_struct('a', 1, 'b', 'q'))", combine(1, str("q")));
        row("SELECT hash(map('k', 2))", str("k") ^ 2);
        long sum = 0;
        for (int k = 0; k < 100; k++) sum += combine(k, str("val_" + k));
        System.out.println("SELECT sum(hash(k, concat('val_', k))) FROM nums\t" + sum);
    }
}
