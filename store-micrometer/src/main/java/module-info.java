/** A store's figures as Micrometer meters. */
module io.hmapstore.micrometer {
    requires transitive io.hmapstore.core;
    requires transitive micrometer.core;

    exports io.hmapstore.micrometer;
}
