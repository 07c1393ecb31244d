import ShopdeskIntelligence
import Testing

@Suite("Serbian, Bosnian and Croatian")
struct SouthSlavicTests {
    @Test func dialectMarkersDecide() {
        #expect(SouthSlavic.refine("hr", text: "Gde je moja porudžbina 1234?") == "sr")
        #expect(SouthSlavic.refine("hr", text: "zdravo, još uvek nisam dobio paket") == "sr")
        #expect(SouthSlavic.refine("hr", text: "da li mogu da vratim proizvod?") == "sr")
        #expect(SouthSlavic.refine("hr", text: "selam, još uvijek nisam dobio paket") == "bs")
        #expect(SouthSlavic.refine("hr", text: "gdje je paket, šta se dešava?") == "bs")
        #expect(SouthSlavic.refine("sr", text: "Gdje je moja narudžba? Što se događa?") == "hr")
        #expect(SouthSlavic.refine("hr", text: "Trebam promijeniti adresu dostave") == "hr")
        #expect(SouthSlavic.refine("ru", text: "здраво, још увек нисам добио пакет") == "sr")
        #expect(SouthSlavic.refine("ru", text: "да ли могу да вратим производ ако ми не одговара?") == "sr")
        #expect(SouthSlavic.refine("ru", text: "Где мой заказ? Уже прошла неделя") == "ru")
        #expect(SouthSlavic.refine("uk", text: "Де моє замовлення? Минуло вже три дні") == "uk")
        #expect(SouthSlavic.refine("en", text: "where is my order") == "en", "other languages are left alone")
    }

    @Test func theShippedDetectionUsesThem() throws {
        let intelligence = try Intelligence.shipped()
        #expect(intelligence.analyze("zdravo, još uvek nisam dobio paket, gde je?").language == "sr")
        #expect(intelligence.analyze("Bok, gdje je moja narudžba? Što se događa?").language == "hr")
    }
}
