package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state machine from source readings to published snapshots: news only on an actual change. */
class MacSignalStateTest {
    private static final Map<HostSignal, Boolean> ONLINE = Map.of(HostSignal.INTERNET, true);
    private static final Map<HostSignal, Boolean> OFFLINE = Map.of(HostSignal.INTERNET, false);
    private static final Map<HostSignal, Boolean> ON_AC = Map.of(HostSignal.AC_POWER, true);
    private static final Map<HostSignal, Boolean> ON_BATTERY = Map.of(HostSignal.AC_POWER, false);

    @Test
    void aTableOfReadingSequencesPublishesOnlyChanges() {
        // Each row: the readings of (network, power) offered in turn, and whether it is news.
        Object[][] table = {
            {ONLINE, ON_AC, false},          // baseline: never news
            {ONLINE, ON_AC, false},          // same again
            {OFFLINE, ON_AC, true},          // internet lost
            {OFFLINE, ON_AC, false},         // repeated notification, unchanged reading
            {OFFLINE, ON_BATTERY, true},     // unplugged
            {OFFLINE, Map.of(), true},       // power became unknown
            {OFFLINE, Map.of(), false},
            {ONLINE, ON_BATTERY, true},      // two signals at once: one publication
        };
        MacSignalState state = new MacSignalState();
        List<SignalSnapshot> published = new ArrayList<>();
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            Optional<SignalSnapshot> news = state.offer(List.of((Map<HostSignal, Boolean>) row[0],
                    (Map<HostSignal, Boolean>) row[1]));
            assertThat(news.isPresent()).as("row %s", List.of(row)).isEqualTo(row[2]);
            news.ifPresent(published::add);
        }
        assertThat(published).hasSize(4);
        assertThat(published.get(3).known()).isEqualTo(Map.of(HostSignal.INTERNET, true,
                HostSignal.AC_POWER, false));
        assertThat(published.get(2).get(HostSignal.AC_POWER)).isEmpty();
        assertThat(state.current()).isEqualTo(published.get(3));
    }

    @Test
    void theFirstSourceThatKnowsASignalWins() {
        SignalSnapshot combined = MacSignalState.combine(List.of(Map.of(HostSignal.INTERNET, true),
                Map.of(HostSignal.INTERNET, false, HostSignal.USER_PRESENT, true)));
        assertThat(combined.known()).isEqualTo(Map.of(HostSignal.INTERNET, true, HostSignal.USER_PRESENT, true));
    }

    @Test
    void beforeAnyOfferNothingIsKnown() {
        assertThat(new MacSignalState().current()).isEqualTo(SignalSnapshot.empty());
    }
}
