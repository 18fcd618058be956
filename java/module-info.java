/**
 * overlay4j mounts Linux OverlayFS: {@link io.overlay4j.Overlay} describes an overlay and mounts it.
 * Loading the JNI shim is a restricted method on Java 22 and later: an application on the module
 * path runs with {@code --enable-native-access=io.overlay4j}. Compiled for Java 9 into
 * META-INF/versions/9 of the jar, which Java 8 ignores.
 */
module io.overlay4j {
    requires static org.slf4j; // used when the application has it
    requires java.logging; // warnings without SLF4J
    exports io.overlay4j;
}
