import GDALKit
import Testing

@Suite("PostgreSQL connection strings")
struct PostgreSQLConnectionTests {
  @Test(
    "passwords are masked in every form libpq takes",
    arguments: [
      (
        "PG:host=db dbname=team password=s3cret user=ana",
        "PG:host=db dbname=team password=*** user=ana"
      ),
      (
        "PG:dbname=team password = 's3 cret\\'x' port=5432",
        "PG:dbname=team password = *** port=5432"
      ),
      ("PG:PASSWORD=s3cret", "PG:PASSWORD=***"),
      ("PG:postgresql://ana:s3cret@db:5432/team", "PG:postgresql://ana:***@db:5432/team"),
      (
        "cannot connect to PG:service=workshop (no password)",
        "cannot connect to PG:service=workshop (no password)"
      ),
    ])
  func masked(text: String, expected: String) {
    #expect(PostgreSQLConnection.masked(text) == expected)
    #expect(!PostgreSQLConnection.masked(text).contains("s3"))
  }

  @Test func connectionsAreToldFromFiles() {
    #expect(PostgreSQLConnection.isConnection("PG:service=workshop"))
    #expect(!PostgreSQLConnection.isConnection("Data/PG:tracts.gpkg"))
    #expect(!PostgreSQLConnection.isConnection("tracts.gpkg"))
  }

  @Test func aMissingFileIsStillAMissingFile() {
    #expect(throws: GDALError.fileNotFound(path: "no/such.gpkg")) {
      try VectorDataset(path: "no/such.gpkg")
    }
  }
}
