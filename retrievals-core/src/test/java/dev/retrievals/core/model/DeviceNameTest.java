package dev.retrievals.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Device names as users write them. */
class DeviceNameTest {

    @Test
    void cpuGpuAndIndexedGpusParse() {
        assertThat(DeviceName.parse("cpu")).isEqualTo(DeviceName.CPU);
        assertThat(DeviceName.parse(" CPU ")).isEqualTo(DeviceName.CPU);
        assertThat(DeviceName.parse("gpu")).isEqualTo(new DeviceName(true, 0));
        assertThat(DeviceName.parse("gpu:3")).isEqualTo(new DeviceName(true, 3));
        assertThat(DeviceName.parse("gpu12")).isEqualTo(new DeviceName(true, 12));
        assertThat(DeviceName.parse("gpu:3")).hasToString("gpu:3");
        assertThat(DeviceName.CPU).hasToString("cpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "cuda", "gpu:", "gpu:-1", "gpu:x", "gpu:1.5", "cpu:0", "gpu:99999"})
    void anythingElseIsRefusedNamingTheValueAndTheForms(String value) {
        assertThatThrownBy(() -> DeviceName.parse(value)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("Device '" + value + "' is not valid").hasMessageContaining("cpu, gpu or gpu:N");
    }

    @Test
    void nullIsRefusedToo() {
        assertThatThrownBy(() -> DeviceName.parse(null)).isInstanceOf(RetrievalsException.class).hasMessageContaining("not valid");
    }
}
