/**
 * JUnit 5 support for condition-gated tests and rigs: {@code @RequiresCondition} and {@code HostRig}.
 *
 * <pre>{@code
 * open module com.example.rig.tests {
 *     requires dev.bgtasks.junit;
 * }
 * }</pre>
 */
// The annotations name their extension, a package-private class JUnit creates reflectively (opened below): javac's
// "not accessible to clients" lint is about compile-time use, which this class never has.
@SuppressWarnings("exports")
module dev.bgtasks.junit {
    requires transitive dev.bgtasks.core;
    requires transitive org.junit.jupiter.api;

    exports dev.bgtasks.junit;

    // JUnit creates the condition extension, a package-private class, reflectively.
    opens dev.bgtasks.junit to org.junit.platform.commons;
}
