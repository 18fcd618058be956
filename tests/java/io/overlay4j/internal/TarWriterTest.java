package io.overlay4j.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pax records a reader decodes: times before 1970, names that are not UTF-8. */
class TarWriterTest {
    @Test
    void aTimeBefore1970WithNanosecondsIsTheSumNotTheConcatenation() {
        // The kernel's timespec: -1.5 s is tv_sec -2 and tv_nsec 500000000.
        assertEquals("-1.500000000", TarWriter.mtime(-2, 500_000_000));
        assertEquals("-0.000000001", TarWriter.mtime(-1, 999_999_999));
        assertEquals("-3", TarWriter.mtime(-3, 0));
        assertEquals("1.000000123", TarWriter.mtime(1, 123));
    }

    @Test
    void anXattrNameWithEqualsOrPercentIsEncodedAsGnuTarDoes() {
        assertEquals("user.a%3Db%25c", TarWriter.xattrKeyword("user.a=b%c"));
        assertEquals("user.plain", TarWriter.xattrKeyword("user.plain"));
    }

    @Test
    void aLongNameThatIsNotUtf8IsMarkedBinary() throws IOException {
        byte[] latin1 = new byte[120];
        Arrays.fill(latin1, (byte) 'n');
        latin1[119] = (byte) 0xe9;
        assertTrue(pax(latin1).contains("hdrcharset=BINARY\n"));
        byte[] utf8 = Arrays.copyOf(latin1, 121);
        utf8[119] = (byte) 0xc3;
        utf8[120] = (byte) 0xa9;
        assertTrue(!pax(utf8).contains("hdrcharset"));
    }

    private static String pax(byte[] name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter.Header h = new TarWriter.Header();
        h.name = name;
        new TarWriter(out).header(h);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
