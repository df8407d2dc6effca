package dev.bgtasks.windows.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CM_Register_Notification for USB device interfaces over a mocked cfgmgr32 (issue 17). */
class DeviceInterfaceNotificationsTest {
    private static final Pointer HANDLE = new Pointer(0x4242);

    private final Cfgmgr32Library cfgmgr32 = mock(Cfgmgr32Library.class);
    private final AtomicReference<Cfgmgr32Library.NotifyFilter> filter = new AtomicReference<>();
    private final AtomicReference<Cfgmgr32Library.NotifyCallback> callback = new AtomicReference<>();
    private final AtomicInteger changes = new AtomicInteger();

    @BeforeEach
    void registrations() {
        when(cfgmgr32.CM_Register_Notification(any(), isNull(), any(), any())).thenAnswer(i -> {
            filter.set(i.getArgument(0));
            callback.set(i.getArgument(2));
            ((PointerByReference) i.getArgument(3)).setValue(HANDLE);
            return Cfgmgr32Library.CR_SUCCESS;
        });
    }

    @Test
    void itRegistersADeviceInterfaceFilterForUsbDevices() throws Exception {
        try (AutoCloseable registration = new DeviceInterfaceNotifications(cfgmgr32)
                .register(DeviceInterfaceNotifications.USB_DEVICE, changes::incrementAndGet)) {
            Cfgmgr32Library.NotifyFilter registered = filter.get();
            assertThat(registered.cbSize).isEqualTo(416).isEqualTo(registered.size());
            assertThat(registered.FilterType).isEqualTo(Cfgmgr32Library.CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE);
            assertThat(registered.Flags).isZero();
            assertThat(registered.ClassGuid.toGuidString()).isEqualToIgnoringCase(
                    "{A5DCBF10-6530-11D2-901F-00C04FB951ED}");
            // What Windows reads is the written memory, not the Java fields.
            assertThat(registered.getPointer().getInt(0)).isEqualTo(416);
            assertThat(registered.getPointer().getInt(16)).isEqualTo(0xa5dcbf10);
        }
    }

    @Test
    void arrivalsAndRemovalsAreToldTheRestIsNot() throws Exception {
        try (AutoCloseable registration = new DeviceInterfaceNotifications(cfgmgr32)
                .register(DeviceInterfaceNotifications.USB_DEVICE, changes::incrementAndGet)) {
            Cfgmgr32Library.NotifyCallback windows = callback.get();
            assertThat(windows.callback(HANDLE, null, Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL,
                    null, 0)).isEqualTo(Cfgmgr32Library.ERROR_SUCCESS);
            windows.callback(HANDLE, null, Cfgmgr32Library.CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL, null, 0);
            windows.callback(HANDLE, null, 2, null, 0);   // CM_NOTIFY_ACTION_DEVICEQUERYREMOVE
            assertThat(changes).hasValue(2);
        }
    }

    @Test
    void closeUnregistersOnce() throws Exception {
        AutoCloseable registration = new DeviceInterfaceNotifications(cfgmgr32)
                .register(DeviceInterfaceNotifications.USB_DEVICE, changes::incrementAndGet);
        verify(cfgmgr32, never()).CM_Unregister_Notification(any());
        registration.close();
        registration.close();
        verify(cfgmgr32, times(1)).CM_Unregister_Notification(HANDLE);
    }

    @Test
    void aRefusedRegistrationIsAnIoExceptionWithItsCode() {
        doReturn(0x1f).when(cfgmgr32).CM_Register_Notification(any(), any(), any(), any());   // CR_FAILURE
        assertThatThrownBy(() -> new DeviceInterfaceNotifications(cfgmgr32)
                .register(DeviceInterfaceNotifications.USB_DEVICE, changes::incrementAndGet))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CM_Register_Notification({").hasMessageEndingWith("failed: CONFIGRET 0x1f");
        verify(cfgmgr32, never()).CM_Unregister_Notification(any());
    }
}
