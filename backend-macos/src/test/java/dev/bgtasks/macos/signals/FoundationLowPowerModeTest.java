package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.ObjCLib;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The Objective-C call sequence for Low Power Mode (issue 6): Foundation first, selectors, byte → boolean. */
class FoundationLowPowerModeTest {
    private static final Pointer CLASS = new Pointer(0x100);
    private static final Pointer INFO = new Pointer(0x200);
    private static final Pointer SEL_PROCESS_INFO = new Pointer(0x301);
    private static final Pointer SEL_LOW_POWER = new Pointer(0x302);
    private static final Pointer SEL_RESPONDS = new Pointer(0x303);
    private static final Pointer POOL = new Pointer(0x400);

    private final ObjCLib objc = mock(ObjCLib.class);
    private final ObjCLib.BoolMessages bools = mock(ObjCLib.BoolMessages.class);
    private final Runnable loadFoundation = mock(Runnable.class);
    private final AtomicBoolean foundationLoaded = new AtomicBoolean();

    @BeforeEach
    void runtime() {
        org.mockito.Mockito.doAnswer(i -> {
            foundationLoaded.set(true);
            return null;
        }).when(loadFoundation).run();
        // Like the real runtime: NSProcessInfo exists only once Foundation is loaded.
        when(objc.objc_getClass("NSProcessInfo")).thenAnswer(i -> foundationLoaded.get() ? CLASS : null);
        when(objc.sel_registerName("processInfo")).thenReturn(SEL_PROCESS_INFO);
        when(objc.sel_registerName("isLowPowerModeEnabled")).thenReturn(SEL_LOW_POWER);
        when(objc.sel_registerName("respondsToSelector:")).thenReturn(SEL_RESPONDS);
        when(objc.objc_msgSend(CLASS, SEL_PROCESS_INFO)).thenReturn(INFO);
        when(objc.objc_autoreleasePoolPush()).thenReturn(POOL);
        when(bools.objc_msgSend(INFO, SEL_RESPONDS, SEL_LOW_POWER)).thenReturn((byte) 1);
    }

    @Test
    void loadsFoundationBeforeTheClassThenAsksInOrder() {
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(loadFoundation, objc, bools);
        when(bools.objc_msgSend(INFO, SEL_LOW_POWER)).thenReturn((byte) 1);

        assertThat(lpm.open()).isEmpty();
        assertThat(lpm.lowPowerMode()).contains(true);

        InOrder order = inOrder(loadFoundation, objc, bools);
        order.verify(loadFoundation).run();
        order.verify(objc).objc_getClass("NSProcessInfo");
        order.verify(objc).sel_registerName("processInfo");
        order.verify(objc).sel_registerName("isLowPowerModeEnabled");
        order.verify(objc).sel_registerName("respondsToSelector:");
        order.verify(objc).objc_autoreleasePoolPush();
        order.verify(objc).objc_msgSend(CLASS, SEL_PROCESS_INFO);
        order.verify(bools).objc_msgSend(INFO, SEL_RESPONDS, SEL_LOW_POWER);
        order.verify(objc).objc_autoreleasePoolPop(POOL);
        order.verify(objc).objc_autoreleasePoolPush();
        order.verify(objc).objc_msgSend(CLASS, SEL_PROCESS_INFO);
        order.verify(bools).objc_msgSend(INFO, SEL_LOW_POWER);
        order.verify(objc).objc_autoreleasePoolPop(POOL);
    }

    @Test
    void theBoolByteMapsZeroToFalseAndAnyOtherByteToTrue() {
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(loadFoundation, objc, bools);
        assertThat(lpm.open()).isEmpty();
        byte[] answers = {0, 1, (byte) 0xff, 0x40};
        boolean[] expected = {false, true, true, true};
        for (int i = 0; i < answers.length; i++) {
            when(bools.objc_msgSend(INFO, SEL_LOW_POWER)).thenReturn(answers[i]);
            assertThat(lpm.lowPowerMode()).as("byte %d", answers[i]).contains(expected[i]);
        }
        // Every read balanced its autorelease pool.
        verify(objc, times(answers.length + 1)).objc_autoreleasePoolPush();
        verify(objc, times(answers.length + 1)).objc_autoreleasePoolPop(POOL);
    }

    @Test
    void aMissingSelectorChoosesThePmsetFallbackAndSaysWhy() {
        when(bools.objc_msgSend(INFO, SEL_RESPONDS, SEL_LOW_POWER)).thenReturn((byte) 0);
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(loadFoundation, objc, bools);

        PowerModeReader chosen = PowerModeReader.choose(lpm, () -> new PmsetLowPowerMode(() -> " powermode 1\n"));

        assertThat(chosen).isInstanceOf(PmsetLowPowerMode.class);
        assertThat(chosen.lowPowerMode()).contains(true);
        assertThat(chosen.describe()).contains("pmset", "no isLowPowerModeEnabled");
        assertThat(lpm.lowPowerMode()).isEmpty();
        verify(bools, never()).objc_msgSend(any(Pointer.class), org.mockito.ArgumentMatchers.eq(SEL_LOW_POWER));
    }

    @Test
    void withTheSelectorPresentPmsetIsNeverBuilt() {
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(loadFoundation, objc, bools);
        PowerModeReader chosen = PowerModeReader.choose(lpm, () -> {
            throw new AssertionError("pmset must not be used when the selector exists");
        });
        assertThat(chosen).isSameAs(lpm);
        assertThat(chosen.describe()).contains("NSProcessInfo.isLowPowerModeEnabled");
    }

    @Test
    void withoutFoundationTheClassIsMissingAndSaidSo() {
        org.mockito.Mockito.doThrow(new UnsatisfiedLinkError("no Foundation")).when(loadFoundation).run();
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(loadFoundation, objc, bools);
        assertThat(lpm.open()).hasValueSatisfying(why -> assertThat(why).contains("Foundation"));
        verify(objc, never()).objc_getClass(any());
    }

    @Test
    void aNullClassIsReported() {
        FoundationLowPowerMode lpm = new FoundationLowPowerMode(() -> { }, objc, bools);
        assertThat(lpm.open()).hasValueSatisfying(why -> assertThat(why).contains("NSProcessInfo"));
        assertThat(lpm.lowPowerMode()).isEmpty();
    }
}
