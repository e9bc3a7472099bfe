/* test_csv.c: tests of the table reader (nde_csv_parse, nde_csv_read).

   - comma, semicolon, tab and blank-separated tables, with a header or without, comments,
     blank lines, CRLF line ends and a UTF-8 byte-order mark, read to the exact doubles;
   - every malformed input is provoked on purpose: a non-number, an empty cell, a short and a
     long row, an empty file, a header without data, only comments, a NUL byte, a number cell
     longer than any buffer, NaN / Inf / overflow, a decimal comma, an empty column name, a
     name in a file declared header-less, a missing file; each gives its status and a message
     "name:line:column:" pointing at the culprit, and leaves the output struct untouched;
   - a line of 100000 cells (longer than any fixed buffer would be) reads;
   - NaN and Inf are read only with NDE_CSV_NONFINITE; columns are found by name or number;
   - nde_csv_write then nde_csv_read gives 600 random doubles back bit for bit, with the names;
     bad names and an unwritable path are refused. */
#include "neuralode.h"
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse text (len bytes) and expect status want with "<loc>" and word in the message, and
   the output struct left as it was. */
static void expect_fail(const char *what, const char *text, size_t len, int flags, int want, const char *loc, const char *word)
{
    char msg[NDE_MSG_LEN] = "", name[2 * NDE_MSG_LEN];
    double sentinel = 42;
    nde_csv c;
    int rc;
    c.rows = -7; c.cols = -8; c.data = &sentinel; c.names = NULL; c.sep = 'z';
    rc = nde_csv_parse(text, len, "t.csv", flags, &c, msg);
    snprintf(name, sizeof name, "csv %s: status %s", what, nde_status_name(want));
    CHECK(name, rc == want);
    snprintf(name, sizeof name, "csv %s: message names %s (%s)", what, loc, msg);
    CHECK(name, strstr(msg, loc) != NULL && (!word || strstr(msg, word) != NULL));
    snprintf(name, sizeof name, "csv %s: output untouched", what);
    CHECK(name, c.rows == -7 && c.cols == -8 && c.data == &sentinel && c.names == NULL && c.sep == 'z');
}

#define FAIL_ON(what, text, flags, loc, word) expect_fail(what, text, sizeof(text) - 1, flags, NDE_ERR_FORMAT, loc, word)

/* Parse text that must read as rows x cols with these values. */
static void expect_table(const char *what, const char *text, size_t len, int flags, int rows, int cols,
                         const double *want, const char *const *names, char sep)
{
    char msg[NDE_MSG_LEN] = "", name[2 * NDE_MSG_LEN];
    nde_csv c;
    int rc = nde_csv_parse(text, len, "t.csv", flags, &c, msg), ok, k;
    snprintf(name, sizeof name, "csv %s: reads (%s)", what, rc ? msg : "ok");
    CHECK(name, rc == NDE_OK);
    if (rc != NDE_OK) return;
    ok = c.rows == rows && c.cols == cols && c.sep == sep;
    for (k = 0; ok && k < rows * cols; k++) ok = c.data[k] == want[k];
    for (k = 0; ok && k < cols; k++) ok = names ? c.names && strcmp(c.names[k], names[k]) == 0 : c.names == NULL;
    snprintf(name, sizeof name, "csv %s: %d x %d, values, names and separator exact", what, rows, cols);
    CHECK(name, ok);
    nde_csv_free(&c);
    CHECK("csv nde_csv_free zeroes the struct", c.data == NULL && c.names == NULL && c.rows == 0);
}

#define TABLE(what, text, flags, rows, cols, want, names, sep) \
    expect_table(what, text, sizeof(text) - 1, flags, rows, cols, want, names, sep)

static void test_good_tables(void)
{
    static const double v[6] = {0, 1.5, -2e-3, 0.25, 3, 1e300};
    static const char *const tx[3] = {"t", "x", "y"};
    static const char *const q[2] = {"time (s)", "x"};
    static const double vq[2] = {1, 2};
    TABLE("comma, header, comments", "# made by hand\nt,x,y\n0,1.5,-2e-3\n\n  # indented comment\n0.25, 3 ,1e300 # trailing\n",
          0, 2, 3, v, tx, ',');
    TABLE("CRLF and a byte-order mark", "\xEF\xBB\xBFt,x,y\r\n0,1.5,-2e-3\r\n0.25,3,1e300\r\n", 0, 2, 3, v, tx, ',');
    TABLE("semicolon", "t;x;y\n0;1.5;-2e-3\n0.25;3;1e300", 0, 2, 3, v, tx, ';');
    TABLE("tab", "t\tx\ty\n0\t1.5\t-2e-3\n0.25\t3\t1e300\n", 0, 2, 3, v, tx, '\t');
    TABLE("blanks, no header", "  0   1.5  -2e-3\n0.25 3 1e300   \n", 0, 2, 3, v, NULL, ' ');
    TABLE("quoted names", "\"time (s)\",\"x\"\n1,2\n", 0, 1, 2, vq, q, ',');
    {
        static const char *const n12[2] = {"1", "2"};
        static const double v34[2] = {3, 4};
        TABLE("NDE_CSV_HEADER forces a numeric header", "1,2\n3,4\n", NDE_CSV_HEADER, 1, 2, v34, n12, ',');
    }
}

static void test_bad_tables(void)
{
    char long_cell[NDE_CSV_CELL_MAX + 40];
    FAIL_ON("non-number", "t,x\n0,1\n1,x2\n", 0, "t.csv:3:3:", "not a number");
    FAIL_ON("empty cell", "t,x,y\n0,,1\n", 0, "t.csv:2:3:", "empty cell");
    FAIL_ON("trailing separator", "0,1,\n", 0, "t.csv:1:5:", "empty cell");
    FAIL_ON("short row", "t,x,y\n0,1,2\n3,4\n", 0, "t.csv:3:4:", "column 3 missing");
    FAIL_ON("long row", "0 1\n2 3 4\n", 0, "t.csv:2:5:", "one too many");
    FAIL_ON("empty file", "", 0, "t.csv:1:1:", "empty");
    FAIL_ON("only a byte-order mark", "\xEF\xBB\xBF", 0, "t.csv:1:1:", "empty");
    FAIL_ON("only a header", "t,x\n# nothing measured\n", 0, "t.csv:1:1:", "header row and no data");
    FAIL_ON("only comments", "# a\n\n   \n# b\n", 0, "t.csv:4:1:", "only comments");
    expect_fail("NUL byte", "t,x\n0,1\n2,\0" "3\n", 13, 0, NDE_ERR_FORMAT, "t.csv:3:3:", "NUL");
    FAIL_ON("NaN refused", "0,nan\n", 0, "t.csv:1:3:", "NaN or Inf");
    FAIL_ON("Inf refused", "t x\n0 1\n1 -inf\n", 0, "t.csv:3:3:", "NaN or Inf");
    FAIL_ON("overflow", "0;1e999\n", 0, "t.csv:1:3:", "range of a double");
    FAIL_ON("decimal comma", "t;x\n0;1,5\n", 0, "t.csv:2:3:", "decimal commas");
    FAIL_ON("empty column name", "t,,y\n0,1,2\n", 0, "t.csv:1:3:", "empty column name");
    FAIL_ON("header-less file with a name", "t,x\n0,1\n", NDE_CSV_NO_HEADER, "t.csv:1:1:", "not a number");
    FAIL_ON("a typo in a later row", "0,1\n0.5,1..2\n", 0, "t.csv:2:5:", "1..2");
    memset(long_cell, '7', sizeof long_cell);
    memcpy(long_cell, "0,1\n1,", 6);
    expect_fail("number cell longer than any buffer", long_cell, sizeof long_cell, 0, NDE_ERR_FORMAT, "t.csv:2:3:", "longer than");
    expect_fail("bad flags", "0\n", 2, NDE_CSV_HEADER | NDE_CSV_NO_HEADER, NDE_ERR_ARG, "flags", NULL);
    expect_fail("NULL text", NULL, 5, 0, NDE_ERR_ARG, "NULL", NULL);
}

static void test_long_line_and_nonfinite(void)
{
    const int n = 100000;
    char *text = (char *)malloc(2 * (size_t)n + 1), msg[NDE_MSG_LEN] = "";
    nde_csv c;
    int k, rc, ok;
    for (k = 0; k < n; k++) { text[2 * k] = (char)('0' + k % 10); text[2 * k + 1] = ','; }
    text[2 * n - 1] = '\n';
    rc = nde_csv_parse(text, 2 * (size_t)n, "wide", 0, &c, msg);
    ok = rc == NDE_OK && c.rows == 1 && c.cols == n;
    for (k = 0; ok && k < n; k++) ok = c.data[k] == k % 10;
    CHECK("csv a line of 100000 cells (200 kB) reads exactly", ok);
    if (rc == NDE_OK) nde_csv_free(&c);
    free(text);

    rc = nde_csv_parse("nan,inf,-Infinity\n", 18, "nf", NDE_CSV_NONFINITE, &c, msg);
    CHECK("csv NDE_CSV_NONFINITE reads nan, inf, -Infinity",
          rc == NDE_OK && isnan(c.data[0]) && isinf(c.data[1]) && c.data[1] > 0 && isinf(c.data[2]) && c.data[2] < 0);
    if (rc == NDE_OK) nde_csv_free(&c);
}

static void test_files_and_columns(void)
{
    const char *path = "build/test_csv_table.csv";
    char msg[NDE_MSG_LEN] = "";
    FILE *fp = fopen(path, "wb");
    nde_csv c;
    int rc;
    if (fp) { fputs("time,prey,predator\n0,10,5\n0.1,10.5,4.9\n", fp); fclose(fp); }
    rc = nde_csv_read(path, 0, &c, msg);
    CHECK("csv nde_csv_read reads a written file", rc == NDE_OK && c.rows == 2 && c.cols == 3 && c.data[4] == 10.5);
    if (rc == NDE_OK) {
        CHECK("csv column by name", nde_csv_column(&c, "predator") == 2);
        CHECK("csv column by 1-based number", nde_csv_column(&c, "1") == 0 && nde_csv_column(&c, "3") == 2);
        CHECK("csv unknown column is -1", nde_csv_column(&c, "prey2") == -1 && nde_csv_column(&c, "4") == -1 && nde_csv_column(&c, "0") == -1);
        nde_csv_free(&c);
    }
    remove(path);
    c.data = NULL; c.rows = -7;
    rc = nde_csv_read(path, 0, &c, msg);
    CHECK("csv missing file: NDE_ERR_IO naming the path, output untouched",
          rc == NDE_ERR_IO && strstr(msg, path) != NULL && c.rows == -7 && c.data == NULL);
}

static void test_write_roundtrip(void)
{
    const char *path = "build/test_csv_roundtrip.csv";
    static const char *const names[3] = {"t", "x (m)", "v_1"};
    static const char *const bad[3] = {"t", "x,y", "v"};
    double v[200 * 3];
    char msg[NDE_MSG_LEN] = "";
    nde_csv c;
    nde_rng r;
    int k, rc;
    nde_rng_seed(&r, 15);
    for (k = 0; k < 200 * 3; k++) v[k] = nde_rng_normal(&r) * pow(10.0, (double)nde_rng_below(&r, 600) - 300);
    v[0] = -0.0; v[1] = 5e-324; v[2] = 1.7976931348623157e308;
    rc = nde_csv_write(path, 200, 3, v, names, "written by test_csv", msg);
    CHECK("csv nde_csv_write writes 200 x 3", rc == NDE_OK);
    rc = nde_csv_read(path, 0, &c, msg);
    CHECK("csv write + read: 600 doubles back bit for bit, names kept",
          rc == NDE_OK && c.rows == 200 && c.cols == 3 && memcmp(c.data, v, sizeof v) == 0 &&
          strcmp(c.names[1], "x (m)") == 0);
    if (rc == NDE_OK) nde_csv_free(&c);
    remove(path);
    CHECK("csv nde_csv_write refuses a name holding the separator",
          nde_csv_write(path, 200, 3, v, bad, NULL, msg) == NDE_ERR_ARG && strstr(msg, "column name 2"));
    CHECK("csv nde_csv_write into a missing directory: NDE_ERR_IO",
          nde_csv_write("/nonexistent-nde-dir/t.csv", 1, 1, v, NULL, NULL, msg) == NDE_ERR_IO);
}

void test_csv(void)
{
    test_write_roundtrip();
    test_good_tables();
    test_bad_tables();
    test_long_line_and_nonfinite();
    test_files_and_columns();
}
