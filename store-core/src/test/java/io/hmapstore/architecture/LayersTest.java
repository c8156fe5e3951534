package io.hmapstore.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of store-core and store-native, checked on the compiled classes (ArchUnit). Calls go
 * only down: the API ({@code io.hmapstore}) → {@code store} → {@code table} → {@code heap} →
 * {@code memory}; {@code inspect} sits beside the API. Internals may name the API's value types and
 * exceptions (what they return and throw), never its builder. docs/DESIGN.md draws the layers. Each
 * rule was seen red once with a back-edge put in on purpose (see the issue 11 note).
 */
class LayersTest {
    private static final String API = "io.hmapstore";
    private static final String INSPECT = "io.hmapstore.inspect..";
    private static final String STORE = "io.hmapstore.store..";
    private static final String TABLE = "io.hmapstore.table..";
    private static final String HEAP = "io.hmapstore.heap..";
    private static final String MEMORY = "io.hmapstore.memory..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hmapstore");
    }

    @Test
    void memory_theLayerThatCallsLibc_dependsOnNothingAboveIt() {
        noClasses().that().resideInAPackage(MEMORY)
                .should().dependOnClassesThat(resideOutsideOfPackages(MEMORY, "java..", "jdk.."))
                .check(classes);
    }

    @Test
    void heap_callsOnlyMemory() {
        noClasses().that().resideInAPackage(HEAP)
                .should().dependOnClassesThat(resideInAnyPackage(TABLE, STORE, INSPECT))
                .check(classes);
    }

    @Test
    void table_callsOnlyHeapAndMemory() {
        noClasses().that().resideInAPackage(TABLE)
                .should().dependOnClassesThat(resideInAnyPackage(STORE, INSPECT))
                .check(classes);
    }

    @Test
    void store_neverCallsTheInspectionBesideTheApi() {
        noClasses().that().resideInAPackage(STORE)
                .should().dependOnClassesThat(resideInAPackage(INSPECT))
                .check(classes);
    }

    @Test
    void subpackages_areFreeOfCycles() {
        slices().matching("io.hmapstore.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theApi_reachesTheImplementationThroughOneFactory() {
        // OffHeapMap.Builder.open(), StoreFileInfo.read and StoreFiles go through Stores; StoreConfig is
        // the builder's settings handed to it. Anything else of the internals the API named would be a
        // second way in.
        DescribedPredicate<JavaClass> factory = simpleName("Stores").or(simpleName("StoreConfig"));
        noClasses().that().resideInAPackage(API)
                .should().dependOnClassesThat(resideInAnyPackage(STORE, TABLE, HEAP).and(not(factory)))
                .check(classes);
    }

    @Test
    void internals_neverCallTheApisFactory() {
        // Internals use the API's value types and exceptions, never the builder that made them.
        noClasses().that().resideInAnyPackage(STORE, TABLE, HEAP, MEMORY)
                .should().callMethod(io.hmapstore.OffHeapMap.class, "of", io.hmapstore.Codec.class,
                        io.hmapstore.Codec.class)
                .orShould().dependOnClassesThat(simpleName("Builder").and(resideInAPackage(API)))
                .check(classes);
    }
}
