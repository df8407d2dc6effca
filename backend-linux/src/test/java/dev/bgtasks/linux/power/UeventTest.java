package dev.bgtasks.linux.power;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.netlink.Uevent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kernel uevent datagrams: a recorded one, a power supply one, and what is not a kernel uevent. */
class UeventTest {
    static byte[] fixture(String resource) {
        try (InputStream in = UeventTest.class.getResourceAsStream(resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst()
                    .map(l -> HexFormat.of().parseHex(l.strip())).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] nul(String text) {
        return text.replace('|', '\0').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesTheUeventRecordedFromAKernel() {
        Uevent event = Uevent.parse(fixture("/netlink/uevent-net-lo.hex")).orElseThrow();
        assertThat(event.action()).isEqualTo("change");
        assertThat(event.devpath()).isEqualTo("/devices/virtual/net/lo");
        assertThat(event.subsystem()).isEqualTo("net");
        assertThat(event.properties()).containsEntry("INTERFACE", "lo").containsEntry("ACTION", "change")
                .containsKey("SEQNUM");
        assertThat(PowerSupplySource.isPowerSupplyEvent(fixture("/netlink/uevent-net-lo.hex"))).isFalse();
    }

    @Test
    void parsesAPowerSupplyUevent() {
        byte[] datagram = fixture("/power/uevent-ac-unplug.hex");
        Uevent event = Uevent.parse(datagram).orElseThrow();
        assertThat(event.action()).isEqualTo("change");
        assertThat(event.devpath()).endsWith("/power_supply/AC");
        assertThat(event.subsystem()).isEqualTo("power_supply");
        assertThat(event.properties()).containsEntry("POWER_SUPPLY_ONLINE", "0")
                .containsEntry("POWER_SUPPLY_TYPE", "Mains");
        assertThat(PowerSupplySource.isPowerSupplyEvent(datagram)).isTrue();
    }

    @Test
    void valuesMayHoldEqualsSignsAndOddEntriesAreSkipped() {
        Optional<Uevent> event = Uevent.parse(nul("add@/devices/x|SUBSYSTEM=power_supply|junk|=nokey|"
                + "MODALIAS=acpi:ACPI0003:|X=a=b|X=c|"));
        assertThat(event).isPresent();
        assertThat(event.get().properties()).isEqualTo(Map.of("SUBSYSTEM", "power_supply",
                "MODALIAS", "acpi:ACPI0003:", "X", "c"));
        // No trailing NUL on the last entry.
        assertThat(Uevent.parse(nul("remove@/devices/y|SUBSYSTEM=power_supply")).orElseThrow().subsystem())
                .isEqualTo("power_supply");
    }

    @Test
    void whatIsNoKernelUeventIsEmpty() {
        byte[] libudev = nul("libudev|\u00fe\u00ed\u00ca\u00fe");
        assertThat(Uevent.parse(libudev)).isEmpty();
        assertThat(PowerSupplySource.isPowerSupplyEvent(libudev)).isFalse();
        assertThat(Uevent.parse(nul("no header|SUBSYSTEM=power_supply|"))).isEmpty();
        assertThat(Uevent.parse(nul("@/devices/x|"))).isEmpty();
        assertThat(Uevent.parse(nul("change@|"))).isEmpty();
        assertThat(Uevent.parse(new byte[0])).isEmpty();
        assertThat(Uevent.parse(nul("change@/devices/z|")).orElseThrow().subsystem()).isEmpty();
    }
}
