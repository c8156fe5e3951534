package io.hmapstore.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
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
 * The layers of store-core and store-native, as they stand, checked on the compiled classes (ArchUnit):
 * data flows one way, API → table → memory, and nothing below calls up. docs/DESIGN.md draws them; the
 * move to separate store/table/heap packages is still to come, and these rules will tighten with it.
 * Each rule was seen red once with a back-edge put in on purpose (see the issue 11 note).
 */
class LayersTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hmapstore");
    }

    @Test
    void memory_theLayerThatCallsLibc_dependsOnNothingAboveIt() {
        // One known exception until StoreException moves to store-core (API.md, issue 11's module step):
        // NativeCallException still extends the StoreException that store-native declares itself.
        noClasses().that().resideInAPackage("io.hmapstore.memory..")
                .should().dependOnClassesThat(resideOutsideOfPackages("io.hmapstore.memory..", "java..", "jdk..")
                        .and(not(simpleName("StoreException"))))
                .check(classes);
    }

    @Test
    void subpackages_areFreeOfCycles() {
        slices().matching("io.hmapstore.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theApi_reachesTheTableThroughItsSeamsOnly() {
        // The builder opens a TableStore from a StoreConfig; file look-ups go through StoreFileAccess and
        // TableStore.describeFile. Anything else of the table that the API named would be a new seam.
        DescribedPredicate<JavaClass> seams = simpleName("TableStore").or(simpleName("StoreConfig"))
                .or(simpleName("StoreFileAccess"));
        noClasses().that().resideInAPackage("io.hmapstore")
                .should().dependOnClassesThat(resideInAPackage("io.hmapstore.table..").and(not(seams)))
                .check(classes);
    }

    @Test
    void theTable_neverCallsTheApisFactory() {
        // Internals use the API's value types and exceptions, never the builder that made them.
        noClasses().that().resideInAPackage("io.hmapstore.table..")
                .should().callMethod(io.hmapstore.OffHeapMap.class, "of", io.hmapstore.Codec.class,
                        io.hmapstore.Codec.class)
                .orShould().dependOnClassesThat(simpleName("Builder").and(resideInAPackage("io.hmapstore")))
                .check(classes);
    }
}
