package dev.retrievals.core.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Half and bfloat16 widening checked on every bit pattern against the formats' definitions in double math. */
class TensorBytesTest {
    private static ByteBuffer allPatterns() {
        ByteBuffer bytes = ByteBuffer.allocate(2 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits = 0; bits < 65536; bits++) {
            bytes.putShort((short) bits);
        }
        return bytes.flip();
    }

    /** sign, {@code exponentBits} of exponent with the given bias, {@code mantissaBits} of fraction. */
    private static double definedValue(int bits, int exponentBits, int mantissaBits) {
        int sign = bits >>> (exponentBits + mantissaBits);
        int exponent = (bits >>> mantissaBits) & ((1 << exponentBits) - 1);
        int mantissa = bits & ((1 << mantissaBits) - 1);
        int bias = (1 << (exponentBits - 1)) - 1;
        double magnitude;
        if (exponent == (1 << exponentBits) - 1) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.pow(2, 1 - bias) * mantissa / (1 << mantissaBits);
        } else {
            magnitude = Math.pow(2, exponent - bias) * (1 + (double) mantissa / (1 << mantissaBits));
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    @Test
    void everyHalfFloatWidensToItsDefinedValue() {
        ByteBuffer widened = TensorBytes.float16ToFloat32(allPatterns());
        for (int bits = 0; bits < 65536; bits++) {
            float actual = widened.getFloat();
            double expected = definedValue(bits, 5, 10);
            if (Double.isNaN(expected)) {
                assertThat(actual).as("half 0x%04X", bits).isNaN();
            } else {
                assertThat((double) actual).as("half 0x%04X", bits).isEqualTo(expected);
                assertThat(Math.copySign(1.0, actual)).as("sign of half 0x%04X", bits)
                        .isEqualTo(Math.copySign(1.0, expected));
            }
        }
    }

    @Test
    void everyBfloat16WidensToItsDefinedValue() {
        ByteBuffer widened = TensorBytes.bfloat16ToFloat32(allPatterns());
        for (int bits = 0; bits < 65536; bits++) {
            float actual = widened.getFloat();
            double expected = definedValue(bits, 8, 7);
            if (Double.isNaN(expected)) {
                assertThat(actual).as("bfloat16 0x%04X", bits).isNaN();
            } else {
                assertThat((double) actual).as("bfloat16 0x%04X", bits).isEqualTo(expected);
            }
        }
    }
}
